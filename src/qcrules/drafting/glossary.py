"""The genre's common indicators: a readable rule id and an English name for each.

Plans of the genre share many indicators (人均GDP, 城镇化率, 空气质量优良天数比例 …); a drafted
rule takes its id and ``indicator.en`` from here when its Chinese name is one of these, and an
id made from its clause and position otherwise. Names are matched whole, after the plan's scope
words (全市, 本地区 …) are dropped, so that 人均GDP never lends its id to 人均GDP增速.
"""

from __future__ import annotations

import re

__all__ = ["GLOSSARY", "lookup"]

#: (Chinese names, id, English name)
GLOSSARY: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("人均GDP", "人均地区生产总值", "人均生产总值"), "gdp-per-capita", "GDP per capita"),
    (("地区生产总值", "GDP总量", "生产总值"), "gdp", "gross domestic product"),
    (("地区生产总值增速", "GDP增速", "地区生产总值增长率"), "gdp-growth", "GDP growth"),
    (("全社会研发经费支出占地区生产总值的比重", "研发经费投入强度", "R&D经费投入强度",
      "全社会研发经费投入强度", "研发投入强度"), "rd-intensity", "R&D expenditure as a share of GDP"),
    (("万人有效发明专利拥有量", "每万人口有效发明专利拥有量", "每万人口高价值发明专利拥有量"),
     "invention-patents-per-10k", "valid invention patents per 10,000 people"),
    (("千人企业数",), "enterprises-per-1k", "enterprises per 1,000 people"),
    (("有效高新技术企业数", "高新技术企业数"), "high-tech-enterprises", "high-tech enterprises"),
    (("工业战略性新兴产业总产值占工业总产值比重", "战略性新兴产业产值占规上工业比重",
      "战略性新兴产业产值占规模以上工业总产值比重"), "strategic-emerging-share",
     "output of strategic emerging industries as a share of industrial output"),
    (("GDP总量全省县域位次", "地区生产总值全省县域位次"), "county-gdp-rank",
     "rank of GDP among the province's counties"),
    (("农业及相关产业增加值占GDP比重",), "agriculture-share",
     "value added of agriculture and related industries as a share of GDP"),
    (("服务业增加值占GDP比重", "服务业增加值占地区生产总值比重"), "services-share",
     "value added of services as a share of GDP"),
    (("数字经济核心产业增加值占GDP比重", "数字经济核心产业增加值占地区生产总值比重"),
     "digital-economy-share", "value added of the core digital economy as a share of GDP"),
    (("制造业质量竞争力指数",), "manufacturing-quality-index", "manufacturing quality competitiveness index"),
    (("国家地理标志保护产品数",), "geographical-indication-products",
     "national geographical indication products"),
    (("地理标志商标数", "地理标志证明商标数"), "geographical-indication-marks",
     "geographical indication marks"),
    (("地产农产品质量安全监测合格率", "农产品质量安全监测合格率", "农产品质量安全例行监测合格率"),
     "agri-product-pass-rate", "pass rate of agricultural product quality monitoring"),
    (("食品药品和制造业产品质量抽检合格率",), "product-sampling-pass-rate",
     "pass rate of sampling inspections of food, drugs and manufactured products"),
    (("食品抽检合格率", "食品安全抽检合格率", "食品抽检合格率"), "food-sampling-pass-rate",
     "pass rate of food sampling inspections"),
    (("药品抽检合格率",), "drug-sampling-pass-rate", "pass rate of drug sampling inspections"),
    (("制造业产品质量合格率", "产品质量合格率"), "product-pass-rate", "manufactured product pass rate"),
    (("建筑工程项目一次性竣工验收合格率", "工程竣工验收合格率"), "construction-acceptance-rate",
     "first-time acceptance rate of construction projects"),
    (("新建建筑中绿色建筑比例", "城镇新建建筑中绿色建筑面积占比", "绿色建筑占新建建筑比例"),
     "green-building-share", "share of green buildings among new buildings"),
    (("生活性服务和公共服务质量满意度", "公共服务质量满意度"), "service-satisfaction",
     "satisfaction with consumer and public services"),
    (("社会公用计量标准数量", "社会公用计量标准数"), "public-measurement-standards",
     "public measurement standards"),
    (("在用强制性检定计量器具受检率", "强制检定计量器具受检率"),
     "measuring-instrument-inspection-rate",
     "inspection rate of measuring instruments under mandatory verification"),
    (("质量管理体系获证企业占比",), "qms-certified-share",
     "share of enterprises with certified quality management systems"),
    (("单位GDP能耗下降率", "单位地区生产总值能耗下降率", "单位GDP能耗降低率"), "energy-intensity-drop",
     "fall in energy use per unit of GDP"),
    (("单位GDP二氧化碳排放下降率", "单位地区生产总值二氧化碳排放下降率", "单位GDP二氧化碳排放降低率"),
     "co2-intensity-drop", "fall in CO2 emissions per unit of GDP"),
    (("空气质量优良天数比例", "空气质量优良天数比率", "城市空气质量优良天数比例"), "good-air-days-share",
     "share of days with good air quality"),
    (("细颗粒物(PM2.5)平均浓度", "细颗粒物平均浓度", "PM2.5平均浓度", "细颗粒物（PM2.5）平均浓度",
      "PM2.5年均浓度"), "pm25-concentration", "mean PM2.5 concentration"),
    (("地表水达到或好于Ⅲ类水体比例", "地表水达到或好于III类水体比例", "地表水优良水体比例",
      "国考断面水质优良比例"), "surface-water-class-iii-share",
     "share of surface water of class III or better"),
    (("建成区绿化覆盖率", "城市建成区绿化覆盖率"), "built-up-green-coverage",
     "green coverage of the built-up area"),
    (("森林覆盖率",), "forest-coverage", "forest coverage"),
    (("城市生活垃圾无害化处理率", "生活垃圾无害化处理率"), "waste-treatment-rate",
     "safe treatment rate of municipal solid waste"),
    (("城市污水处理率", "污水处理率", "城镇污水处理率"), "sewage-treatment-rate", "sewage treatment rate"),
    (("常住人口城镇化率", "城镇化率"), "urbanization-rate", "urbanization rate of the resident population"),
    (("城乡居民人均可支配收入比", "城乡居民收入比"), "urban-rural-income-ratio",
     "ratio of urban to rural per-capita disposable income"),
    (("居民人均可支配收入", "全体居民人均可支配收入"), "disposable-income-per-capita",
     "per-capita disposable income"),
    (("农村居民人均可支配收入",), "rural-income-per-capita", "rural per-capita disposable income"),
    (("城镇居民人均可支配收入",), "urban-income-per-capita", "urban per-capita disposable income"),
    (("每千人口执业(助理)医师数", "每千人口执业（助理）医师数", "每千人口执业医师数"), "doctors-per-1k",
     "practising (assistant) doctors per 1,000 people"),
    (("每千人口注册护士数",), "nurses-per-1k", "registered nurses per 1,000 people"),
    (("每千人口医疗卫生机构床位数", "每千人口床位数"), "hospital-beds-per-1k",
     "hospital beds per 1,000 people"),
    (("每千人口拥有3岁以下婴幼儿托位数", "每千人口托位数"), "childcare-places-per-1k",
     "childcare places for under-threes per 1,000 people"),
    (("中小学师生比(仅小学、初中)", "中小学师生比（仅小学、初中）", "中小学师生比"), "teacher-student-ratio",
     "teacher–student ratio of primary and junior secondary schools"),
    (("基本养老保险参保率",), "pension-insurance-coverage", "basic pension insurance coverage"),
    (("基本医疗保险参保率",), "medical-insurance-coverage", "basic medical insurance coverage"),
    (("人均城市道路面积",), "road-area-per-capita", "urban road area per capita"),
    (("人均公园绿地面积",), "park-area-per-capita", "park and green space per capita"),
    (("城镇调查失业率", "城镇登记失业率"), "urban-unemployment-rate", "urban unemployment rate"),
    (("城镇新增就业人数", "城镇新增就业"), "new-urban-jobs", "new urban jobs"),
    (("居民消费价格涨幅", "居民消费价格指数涨幅"), "cpi-increase", "rise in consumer prices"),
    (("规模以上工业增加值增速", "规上工业增加值增速", "规模以上工业增加值"), "industrial-value-added-growth",
     "growth of value added of industry above designated size"),
    (("固定资产投资增速",), "fixed-investment-growth", "growth of fixed-asset investment"),
    (("社会消费品零售总额增速", "社会消费品零售总额"), "retail-sales-growth", "growth of retail sales"),
    (("一般公共预算收入", "一般公共预算收入增速"), "general-budget-revenue", "general public budget revenue"),
    (("粮食总产量", "粮食产量"), "grain-output", "grain output"),
    (("高标准农田面积", "高标准农田建设面积"), "high-standard-farmland", "high-standard farmland"),
    (("规模以上工业企业数", "规上工业企业数", "规模以上工业企业数量"), "industrial-enterprises-above-size",
     "industrial enterprises above designated size"),
    (("专精特新中小企业数", "省级专精特新中小企业数"), "specialized-smes", "specialised and innovative SMEs"),
    (("旅游总收入",), "tourism-revenue", "total tourism revenue"),
    (("接待游客人次", "游客接待量"), "tourist-visits", "tourist visits"),
    (("九年义务教育巩固率", "义务教育巩固率"), "compulsory-education-retention",
     "retention rate of nine-year compulsory education"),
    (("学前教育毛入园率", "学前三年毛入园率"), "preschool-enrolment", "gross preschool enrolment"),
    (("人均预期寿命",), "life-expectancy", "life expectancy"),
    (("亿元GDP生产安全事故死亡率",), "production-safety-death-rate",
     "deaths in work-safety accidents per 100 million yuan of GDP"),
    (("每十万台特种设备死亡率", "万台特种设备死亡率"), "special-equipment-death-rate",
     "deaths per 100,000 units of special equipment"),
    (("特种设备隐患整改闭环率",), "special-equipment-hazard-closure",
     "closure rate of special-equipment hazard rectification"),
    (("特种设备年度监督检查计划完成率",), "special-equipment-inspection-plan",
     "completion of the annual special-equipment inspection plan"),
)

_BY_NAME: dict[str, tuple[str, str]] = {
    name: (rule_id, english) for names, rule_id, english in GLOSSARY for name in names}


def lookup(zh: str) -> tuple[str, str] | None:
    """``(id, English name)`` of a common indicator named ``zh`` (or named so once a bracketed
    remark such as （住建、水利、交通） is dropped), or None."""
    name = zh.strip()
    return _BY_NAME.get(name) or _BY_NAME.get(re.sub(r"[（(][^（）()]*[）)]", "", name))
