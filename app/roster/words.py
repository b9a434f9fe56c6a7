"""The words towns use in their rosters: column headers and the values of coded columns.

Data only, written once; ``app.roster.headers`` and ``app.roster.validate`` apply it. Each column
is ``(field, the header we write, other exact headers, key words)``: an exact header wins over a
key word found inside a longer header, and a longer key word over a shorter one, so 户主身份证号
is the ID (身份证) rather than the head's name (户主). Widths, brackets and spaces do not matter
here: 村（社区） and 村(社区), 姓  名 and 姓名 are the same header.
"""

from __future__ import annotations

ColumnSpec = tuple[str, str, tuple[str, ...], tuple[str, ...]]

_TEAM = ("驻点团队", "团队", "团队名称", "驻点团队名称", "团队名", "所属团队", "所在团队", "驻点组",
         "驻点工作组", "工作组")
_COMMUNITY = ("驻点村（社区）", "村（社区）", "社区", "村", "驻点社区", "驻点村", "村(居)", "所属社区",
              "所属村（社区）", "驻点村居", "村居", "村（居）", "所属村居", "驻点村(居)", "挂点村",
              "挂点村（社区）", "联系村（社区）", "村委会", "居委会", "村(居)委会")
_COMMUNITY_KEYS = ("村居", "社区", "居委", "村委", "村")
_ID = ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "身份号码")
_ID_KEYS = ("身份证", "身份号码", "证件号")

PERSON_COLUMNS: tuple[ColumnSpec, ...] = (
    ("name", "姓名", ("名字", "人员姓名", "成员姓名", "干部姓名"), ("姓名",)),
    ("gender", "性别", (), ("性别",)),
    ("unit", "单位", ("工作单位", "所在单位", "单位名称"), ("单位",)),
    ("position", "职务", ("现任职务", "职务（职称）", "行政职务", "职务职级", "岗位", "现任岗位"),
     ("职务", "职级", "职称", "岗位")),
    ("category", "人员类别", ("类别", "人员类型", "身份类别"), ("类别", "人员类型")),
    # Order matters: the mobile takes the best phone column, the landline the next one.
    ("mobile", "手机", ("手机号码", "手机号", "移动电话", "联系电话", "电话", "联系方式", "电话号码",
                       "联系手机"), ("手机", "移动电话")),
    ("landline", "固定电话", ("座机", "办公电话", "固话", "联系电话", "电话", "办公室电话", "座机号码"),
     ("固定电话", "办公电话", "座机", "固话")),
    ("resident_id", "身份证号", _ID[1:], _ID_KEYS),
    ("note", "备注", ("说明",), ("备注",)),
)

TEAM_COLUMNS: tuple[ColumnSpec, ...] = (
    ("team", "团队名称", _TEAM[1:], ("团队", "工作组")),
    ("communities", "驻点村（社区）", _COMMUNITY[1:], _COMMUNITY_KEYS),
    ("weekday", "驻点日", ("驻点星期", "驻点日期", "固定驻点日", "驻点时间（星期）"), ("驻点日", "星期")),
    ("hours", "驻点时间", ("驻点时段", "固定驻点时间", "时间", "时段"), ("时间", "时段")),
    ("place", "驻点地点", ("地点", "固定驻点地点", "驻点场所", "驻点位置"), ("地点", "场所")),
    ("hotline", "服务热线", ("热线", "热线电话", "联系电话", "服务电话"), ("热线",)),
    ("note", "备注", ("说明",), ("备注",)),
)

MEMBER_COLUMNS: tuple[ColumnSpec, ...] = (
    ("team", "驻点团队", ("团队", "团队名称", "所属团队", "所在团队", "驻点团队名称", "驻点组",
                       "驻点工作组", "工作组"), ("团队", "工作组")),
    ("community", "驻点村（社区）", _COMMUNITY[1:], _COMMUNITY_KEYS),
    ("role", "团队角色", ("角色", "团队身份", "身份", "团队内角色", "担任角色", "团队岗位",
                       "驻点身份", "驻点角色"), ("角色",)),
    ("title", "团队职务", ("团队内职务", "分工", "团队分工", "组内职务"), ("团队职务", "分工")),
    *PERSON_COLUMNS,
)

HOUSEHOLD_COLUMNS: tuple[ColumnSpec, ...] = (
    ("community", "村（社区）", _COMMUNITY, _COMMUNITY_KEYS),
    ("grid", "网格", ("所属网格", "网格名称", "居民小组", "村民小组", "网格（小组）", "经济社", "村小组"),
     ("网格", "小组")),
    ("address", "门牌地址", ("地址", "住址", "门牌号", "家庭住址", "门牌", "居住地址", "现住址"),
     ("地址", "门牌", "住址")),
    ("head_name", "户主姓名", ("户主", "姓名", "户主名字"), ("户主",)),
    ("phones", "联系电话", ("电话", "手机", "手机号码", "联系方式", "户主电话", "户主手机"),
     ("电话", "手机", "联系方式")),
    ("size", "家庭人口", ("人口", "家庭人数", "人数", "户籍人口", "家庭成员数"), ("人口", "人数")),
    ("kind", "户别", ("类型", "户类型", "住户类别", "住户类型"), ("户别",)),
    ("key_groups", "重点人群", ("重点人群类别", "重点对象", "特殊人群"), ("重点",)),
    ("resident_id", "户主身份证号", ("户主身份证号码", *_ID), _ID_KEYS),
    ("note", "备注", ("说明",), ("备注",)),
)

# Headers of columns every roster may have and none imports: left out without a word.
SKIPPED_HEADERS = ("序号", "编号", "序", "No", "NO", "No.", "行号", "签名", "本人签名")

# Values of 团队角色 as towns write them, beyond the labels and aliases of MemberRole.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "leader": ("责任人", "组长", "驻点组长", "驻点领导", "责任领导", "挂点领导", "驻点团队组长",
               "团队负责人", "负责人", "团队责任人", "驻点责任人", "驻点团队责任人"),
    "core": ("团队成员", "成员", "组员", "驻点团队成员", "副组长", "驻点成员", "驻点干部",
             "团队骨干", "骨干成员"),
    "town_liaison": ("专职联络员", "联络员", "驻点联络员", "团队联络员", "镇联络员", "街道联络员"),
    "support": ("辅助团队成员", "辅助成员", "辅助团队", "辅助人员", "辅助团队人员", "团队辅助成员",
                "辅助"),
    "community_liaison": ("辅助团队联络员", "社区联络员", "村联络员", "村（社区）联络员",
                          "村居联络员", "辅助联络员"),
}

GENDER_WORDS: dict[str, tuple[str, ...]] = {
    "male": ("男", "男性", "M"),
    "female": ("女", "女性", "F"),
}
