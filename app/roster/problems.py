"""What an import found: problems row by row, and the counts the preview shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import DomainError

MAX_LISTED = 30


@dataclass
class RowProblem:
    """One bad cell (or row): where it is, as Excel shows it, and why in Chinese."""

    file: str
    sheet: str
    row: int
    column: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"「{self.file}」工作表“{self.sheet}”"
        if self.row:
            where += f"第 {self.row} 行"
        if self.column:
            where += f" {self.column} 列（{self.field}）" if self.field else f" {self.column} 列"
        elif self.field:
            where += f"（{self.field}）"
        return f"{where}：{self.reason}"


@dataclass
class ImportPreview:
    problems: list[RowProblem] = field(default_factory=list)
    teams_new: int = 0
    teams_existing: int = 0
    people_new: int = 0
    people_existing: int = 0
    memberships_new: int = 0
    households_new: int = 0
    households_existing: int = 0
    rows_total: int = 0
    rows_valid: int = 0
    memberships_existing: int = 0
    communities_new: list[str] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> what it was read as
    warnings: list[str] = field(default_factory=list)
    columns_unplaced: list[str] = field(default_factory=list)  # headed columns no field took
    columns_ignored: list[str] = field(default_factory=list)   # columns the user chose to skip

    @property
    def rows_invalid(self) -> int:
        return self.rows_total - self.rows_valid

    def summary(self) -> str:
        lines = [f"共 {self.rows_total} 行，有效 {self.rows_valid} 行，有问题 {self.rows_invalid} 行。",
                 f"驻点团队：新增 {self.teams_new} 个，已有 {self.teams_existing} 个。",
                 f"人员：新增 {self.people_new} 人，已有 {self.people_existing} 人；"
                 f"团队成员关系新增 {self.memberships_new} 条，已有 {self.memberships_existing} 条。",
                 f"住户：新增 {self.households_new} 户，已有 {self.households_existing} 户。"]
        if self.communities_new:
            lines.append(f"新建村（社区）：{'、'.join(self.communities_new)}。")
        if self.columns_unplaced:
            lines.append(f"未能识别、没有导入的列：{'；'.join(self.columns_unplaced)}。")
        if self.columns_ignored:
            lines.append(f"按指定不导入的列：{'；'.join(self.columns_ignored)}。")
        return "\n".join(lines)


class ImportRejected(DomainError):
    """The file has invalid rows and the user did not choose to skip them; nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        problems = preview.problems
        listed = "\n".join(str(p) for p in problems[:MAX_LISTED])
        more = f"\n……另有 {len(problems) - MAX_LISTED} 处问题" if len(problems) > MAX_LISTED else ""
        super().__init__(f"名册中有 {len(problems)} 处问题，没有导入任何数据。"
                         f"请改正后重新导入，或选择“跳过有问题的行”。\n{listed}{more}")
        self.preview = preview
        self.problems = problems


class Cancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("已取消导入，数据库没有改动。")
