"""The legal basis shown on quality-supervision pages and notices (文号 and article, never a requirement ID)."""

RULES = "《技能人才评价质量督导工作规程（试行）》（人社职司便函〔2020〕53号）"
EXTERNAL = RULES + "：外部质量督导员由人力资源社会保障部门遴选、培训、选派"
INTERNAL = "评价机构内部质量督导员（渝人社发〔2020〕128号第七条第（三）项；各地管理办法规定的人数）"
RECTIFICATION = "《重庆市职业技能等级评价机构管理办法》（渝人社发〔2020〕128号）第三十条"
