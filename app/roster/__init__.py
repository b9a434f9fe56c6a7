"""Roster workbooks (名册): import a town's own xlsx, export a print-ready one.

Workbook format — the same for export and import. Import recognises each sheet by its header
row (searched in the first 15 rows, title lines above it are fine), never by the sheet's name:

1. 驻点团队: 团队名称 | 驻点村（社区） | 驻点日 | 驻点时间 | 驻点地点 | 服务热线 | 备注
   - 驻点村（社区）: one or two names separated by 、 or ，
   - 驻点日: 周二 / 星期二 / 2;  驻点时间: 15:00-18:30 or 15:00—18:30
   - blank 驻点日 / 驻点时间 take the town's settings (seeds: Tuesday 15:00–18:30)
2. 团队人员: 驻点团队 | 驻点村（社区） | 团队角色 | 团队职务 | 姓名 | 性别 | 单位 | 职务 | 人员类别 |
   手机 | 固定电话 | 身份证号 | 备注
   - 团队角色: 责任人 / 团队成员 / 专职联络员 / 辅助团队成员 / 辅助团队联络员 (aliases: 组长, 联络员…)
   - a team missing from sheet 1 is created from its rows here (communities from 驻点村（社区）)
   - a row with neither 驻点团队 nor 团队角色 is a person on the roster in no team; a team without a
     role, or a role without a team, is an error
3. 人员名册 (people in no team): 姓名 | 性别 | 单位 | 职务 | 人员类别 | 手机 | 固定电话 | 身份证号 | 备注
   - recognised as a header with 姓名 and no team, community, role, address or grid column;
     never filled down, so nobody in it inherits a team
4. 住户: 村（社区） | 网格 | 门牌地址 | 户主姓名 | 联系电话 | 家庭人口 | 户别 | 重点人群 | 户主身份证号 | 备注
   - 户别: 居民户 / 个体商户 / 驻社区单位;  重点人群: several separated by 、

Headers accept synonyms (姓名/名字; 手机/手机号码/联系电话/电话; 身份证号/身份证号码/公民身份号码;
驻点团队/团队/团队名称; 驻点村（社区）/村（社区）/社区/村/驻点社区), with either kind of bracket and
any spaces. A sheet with 联系电话 but no 手机 reads 联系电话 as the phone column.

Import rules: team and community cells merged down a column (团队人员) are filled from the row above;
blank lines and footer lines (制表人：…, 审核人：…, 备注：…, 填表日期…) are skipped; phones, names and
resident IDs are normalised by ``app.normalize``; a masked ID (440102********1234, as our export
writes it) is ignored. People are matched by resident ID, else by name + mobile; teams by name;
communities by name; memberships by team + person + role while current; households by
community + address + head name. So a second import of the same file changes nothing.
Existing teams, people and households are matched, never overwritten.
"""

from app.roster.apply import apply_import, preview_import
from app.roster.export import export_roster
from app.roster.problems import Cancelled, ImportPreview, ImportRejected, RowProblem

__all__ = ["Cancelled", "ImportPreview", "ImportRejected", "RowProblem", "apply_import",
           "export_roster", "preview_import"]
