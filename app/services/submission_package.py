"""The monthly submission package (上报材料包) of a team, and its receipt by the office.

Building (the liaison, ``KEEP_RECORDS`` on the team): refused, with the list of what is
missing, while a community's notice-board photos or the written report are not there. The zip
holds every form as print-ready xlsx and PDF, the photos as received, ``data.json`` (what the
office's database needs to merge: the photos' places and kinds, the report, the funding
projects with their decisions, disbursements and progress) and ``manifest.json``: team, month,
app version, and for every other file what it is, its size and SHA-256.

Receiving (the office, ``PUBLISH_BULLETIN``): the zip is read defensively (size, entry count,
names, unpacked size), every file is checked against the manifest — a changed, missing or
extra file rejects the whole package with the reason — and photos are checked again as images.
Then, in one transaction: the package is recorded with the time received, each item the
manifest lists is recorded received (the first receipt stands), and the data merged — photos
by hash, the report, projects by their ``uid``, progress and disbursements by month and date.
Importing the same file again changes nothing; a rebuilt package of the same month adds only
what is new.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__, audit
from app.auth import Permission, actor_of, require, require_team
from app.errors import DomainError, ValidationError
from app.files import replacing
from app.images import check_image
from app.models import (Disbursement, FundingProject, NoticePhoto, PhotoKind,
                        ProjectProgress, ProjectStatus, StoredFile, Submission, SubmissionKind,
                        SubmissionPackage, Team, Urgency, WrittenReport)
from app.services import deadlines, notice_photos, written_reports
from app.services.common import get_or_fail

FORMAT = "zhilian-submission/1"
MAX_ZIP_BYTES = 300 * 1024 * 1024
MAX_ENTRIES = 500
MAX_UNPACKED = 600 * 1024 * 1024


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe_name(text: str) -> str:
    return "".join(c if c not in '\\/:*?"<>|' else "_" for c in text).strip() or "未命名"


# --- building ----------------------------------------------------------------------------

def missing_items(session: Session, team_id: int, year: int, month: int) -> list[str]:
    """What stops the package from being built, in Chinese, one line each."""
    missing = [shortfall.message for shortfall in
               notice_photos.missing_photos(session, team_id, year, month)]
    if written_reports.get_report(session, team_id, year, month) is None:
        missing.append(f"{year} 年 {month} 月的书面汇报还没有写")
    return missing


@dataclass(frozen=True)
class BuiltPackage:
    path: Path
    sha256: str
    files: int


def build_package(session: Session, team_id: int, year: int, month: int, out: Path
                  ) -> BuiltPackage:
    from app.forms.form1 import form1_pdf, form1_xlsx
    from app.forms.form2 import form2_pdf, form2_xlsx
    from app.forms.register import register_pdf, register_xlsx
    from app.forms.report import report_pdf

    require_team(session, Permission.KEEP_RECORDS, team_id)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    if date(year, month, 1) > date.today():
        raise ValidationError(f"{year} 年 {month} 月还没到，不能上报。", "month")
    missing = missing_items(session, team_id, year, month)
    if missing:
        raise DomainError(f"{team.name} {year} 年 {month} 月的上报材料还不齐，暂不能打包：\n"
                          + "\n".join(f"· {line}" for line in missing))
    stem = f"{year}年{month:02d}月"
    files: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        forms = (
            (SubmissionKind.FORM1, "附件1_需提请党委会研究解决问题表", form1_xlsx, form1_pdf),
            (SubmissionKind.FORM2, "附件2_专项经费补贴项目进度登记表", form2_xlsx, form2_pdf),
            (SubmissionKind.REGISTER, "重点走访登记册进度", register_xlsx, register_pdf),
        )
        payload: dict[str, bytes] = {}
        for kind, title, xlsx, pdf in forms:
            for writer, ext in ((xlsx, "xlsx"), (pdf, "pdf")):
                name = f"forms/{stem}_{title}.{ext}"
                writer(session, year, month, team_id, work / f"f.{ext}")
                payload[name] = (work / f"f.{ext}").read_bytes()
                files.append({"path": name, "kind": kind.value, "what": f"{title}（{ext}）"})
        report_pdf(session, year, month, team_id, work / "report.pdf")
        name = f"forms/{stem}_直联工作书面汇报.pdf"
        payload[name] = (work / "report.pdf").read_bytes()
        files.append({"path": name, "kind": SubmissionKind.REPORT.value, "what": "书面汇报（pdf）"})
        data, photo_files = _data(session, team, year, month)
        for name, content, what in photo_files:
            payload[name] = content
            files.append({"path": name, "kind": SubmissionKind.PHOTOS.value, "what": what})
        payload["data.json"] = json.dumps(data, ensure_ascii=False, indent=1,
                                          default=str).encode("utf-8")
        files.append({"path": "data.json", "kind": "data", "what": "合并用的数据"})
    for entry in files:
        content = payload[entry["path"]]
        entry["sha256"], entry["size"] = _sha(content), len(content)
    manifest = {"format": FORMAT, "team": team.name, "year": year, "month": month,
                "built_at": datetime.now().replace(microsecond=0).isoformat(),
                "built_by": actor_of(session).display_name, "app_version": __version__,
                "files": files}
    with replacing(out) as partial:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
            for entry in files:
                archive.writestr(entry["path"], payload[entry["path"]])
    audit.record(session, "export", "submission_package", None,
                 f"打包上报材料：{team.name} {year} 年 {month} 月 → {out.name}")
    return BuiltPackage(out, _sha(out.read_bytes()), len(files) + 1)


def _data(session: Session, team: Team, year: int, month: int
          ) -> tuple[dict, list[tuple[str, bytes, str]]]:
    photos, photo_files = [], []
    for link in sorted(team.community_links, key=lambda l: l.position):
        for n, photo in enumerate(notice_photos.photos_for(session, link.community_id, year,
                                                           month), start=1):
            original = session.get(StoredFile, photo.original_sha)
            assert original is not None
            ext = "png" if original.mime == "image/png" else "jpg"
            name = (f"photos/{_safe_name(link.community.name)}_{photo.kind.label}_{n}_"
                    f"{photo.original_sha[:8]}.{ext}")
            photo_files.append((name, original.data,
                                f"{link.community.name}公开栏相片（{photo.kind.label}）"))
            photos.append({"path": name, "community": link.community.name,
                           "kind": photo.kind.value, "file_name": photo.file_name})
    report = written_reports.get_report(session, team.id, year, month)
    assert report is not None
    projects = [{
        "uid": p.uid, "community": p.community.name, "name": p.name, "situation": p.situation,
        "plan": p.plan, "budget": str(p.budget), "subsidy": str(p.subsidy),
        "applied_on": p.applied_on.isoformat(), "urgency": p.urgency.value,
        "status": p.status.value, "decided_on": p.decided_on.isoformat() if p.decided_on else None,
        "approved_amount": str(p.approved_amount) if p.approved_amount is not None else None,
        "refusal_reason": p.refusal_reason,
        "expected_completion": p.expected_completion.isoformat() if p.expected_completion else None,
        "actual_completion": p.actual_completion.isoformat() if p.actual_completion else None,
        "disbursements": [{"paid_on": d.paid_on.isoformat(), "amount": str(d.amount),
                           "note": d.note} for d in p.disbursements],
        "progress": [{"year": g.year, "month": g.month, "percent": g.percent, "note": g.note}
                     for g in p.progress if (g.year, g.month) <= (year, month)],
    } for p in session.scalars(select(FundingProject).where(
        FundingProject.team_id == team.id, FundingProject.applied_on <= _month_end(year, month)))]
    return ({"team": team.name, "year": year, "month": month, "photos": photos,
             "report": {"title": report.title, "body": report.body, "author": report.author},
             "projects": projects}, photo_files)


def _month_end(year: int, month: int) -> date:
    return deadlines.day_in_month(year, month, 31)


# --- receiving ---------------------------------------------------------------------------

@dataclass
class Receipt:
    team: str
    year: int
    month: int
    already: bool                  # the same file was imported before: nothing changed
    received_at: datetime
    items: list[str] = field(default_factory=list)     # what was recorded received now
    merged: list[str] = field(default_factory=list)    # what the data merge added


def _reject(path: Path, reason: str) -> DomainError:
    return DomainError(f"上报材料包“{path.name}”不能接收：{reason}")


def read_package(path: Path) -> tuple[dict, dict[str, bytes], str]:
    """The manifest, the files it lists (checked) and the zip's SHA-256; DomainError naming
    what is wrong otherwise. Reads nothing it was not asked for beyond the size limits."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _reject(path, f"无法读取文件（{exc.strerror or exc}）") from None
    if size > MAX_ZIP_BYTES:
        raise _reject(path, f"文件有 {size / 1048576:.0f} MB，超过上限")
    raw = path.read_bytes()
    digest = _sha(raw)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise _reject(path, "不是有效的 zip 文件（可能没有复制完整）") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _reject(path, "文件数目过多")
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise _reject(path, "解压后过大")
        names = {i.filename for i in infos}
        for name in names:
            pure = PurePosixPath(name)
            if pure.is_absolute() or ".." in pure.parts or "\\" in name:
                raise _reject(path, f"包内文件名“{name}”不安全")
        if "manifest.json" not in names:
            raise _reject(path, "缺少 manifest.json（不是本程序生成的上报材料包）")
        try:
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
            listed = {entry["path"]: entry for entry in manifest["files"]}
            if manifest.get("format") != FORMAT:
                raise _reject(path, f"格式“{manifest.get('format')}”无法识别")
            int(manifest["year"]), int(manifest["month"]), str(manifest["team"])
        except DomainError:
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise _reject(path, "manifest.json 已损坏") from None
        extra = sorted(names - set(listed) - {"manifest.json"})
        if extra:
            raise _reject(path, "包内有清单以外的文件：" + "、".join(extra[:5]))
        files: dict[str, bytes] = {}
        for name, entry in listed.items():
            if name not in names:
                raise _reject(path, f"缺少文件“{name}”（材料包不完整）")
            try:
                content = archive.read(name)
            except (zipfile.BadZipFile, OSError):
                raise _reject(path, f"文件“{name}”已损坏") from None
            if len(content) != entry.get("size") or _sha(content) != entry.get("sha256"):
                raise _reject(path, f"文件“{name}”与清单中的校验值不符（被改动过或已损坏）")
            files[name] = content
    if "data.json" not in files:
        raise _reject(path, "缺少 data.json")
    return manifest, files, digest


def receive_package(session: Session, path: Path) -> Receipt:
    actor = require(session, Permission.PUBLISH_BULLETIN)
    manifest, files, digest = read_package(path)
    year, month = int(manifest["year"]), int(manifest["month"])
    team = session.scalars(select(Team).where(Team.name == manifest["team"])).first()
    if team is None:
        raise _reject(path, f"本镇没有名为“{manifest['team']}”的驻点团队")
    now = datetime.now().replace(microsecond=0)
    known = session.scalars(select(SubmissionPackage).where(
        SubmissionPackage.sha256 == digest)).first()
    if known is not None:
        return Receipt(team.name, year, month, True, known.received_at)
    try:
        data = json.loads(files["data.json"].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _reject(path, "data.json 已损坏") from None
    if data.get("team") != team.name or (data.get("year"), data.get("month")) != (year, month):
        raise _reject(path, "data.json 与清单的团队或月份不一致")
    try:
        built_at = datetime.fromisoformat(manifest["built_at"])
    except (KeyError, ValueError):
        raise _reject(path, "清单中的打包时间无法识别") from None
    package = SubmissionPackage(sha256=digest, team_id=team.id, year=year, month=month,
                                file_name=path.name[:200], built_at=built_at, received_at=now,
                                app_version=str(manifest.get("app_version", ""))[:40],
                                manifest=json.dumps(manifest, ensure_ascii=False),
                                received_by=actor.user_id)
    session.add(package)
    session.flush()
    receipt = Receipt(team.name, year, month, False, now)
    with session.no_autoflush:
        receipt.merged = _merge(session, path, team, year, month, data, files)
    kinds = {entry["kind"] for entry in manifest["files"]}
    for kind in SubmissionKind:
        if kind.value in kinds:
            existing = session.scalars(select(Submission).where(
                Submission.team_id == team.id, Submission.year == year,
                Submission.month == month, Submission.kind == kind)).first()
            if existing is None:
                session.add(Submission(team_id=team.id, year=year, month=month, kind=kind,
                                       received_at=now, package_id=package.id))
                receipt.items.append(kind.label)
    session.flush()
    audit.record(session, "receive", "submission_package", package.id,
                 f"接收上报材料：{team.name} {year} 年 {month} 月（{path.name}）",
                 {"SHA-256": digest, "登记收到": receipt.items, "合并": receipt.merged})
    return receipt


def _merge(session: Session, path: Path, team: Team, year: int, month: int, data: dict,
           files: dict[str, bytes]) -> list[str]:
    merged: list[str] = []
    communities = {link.community.name: link.community_id for link in team.community_links}
    for photo in data.get("photos", []):
        community_id = communities.get(photo.get("community"))
        if community_id is None:
            raise _reject(path, f"相片所属的“{photo.get('community')}”不是{team.name}的驻点村（社区）")
        content = files.get(photo.get("path", ""))
        if content is None:
            raise _reject(path, f"缺少相片“{photo.get('path')}”")
        checked = check_image(content, photo.get("file_name", ""), what="公开栏相片")
        if session.scalars(select(NoticePhoto.id).where(
                NoticePhoto.community_id == community_id, NoticePhoto.year == year,
                NoticePhoto.month == month, NoticePhoto.original_sha == checked.sha256)).first():
            continue
        image_sha = _sha(checked.image)
        notice_photos.store(session, checked.original, checked.sha256, checked.mime)
        notice_photos.store(session, checked.image, image_sha, checked.image_mime)
        session.add(NoticePhoto(community_id=community_id, year=year, month=month,
                                kind=PhotoKind(photo["kind"]), file_name=checked.file_name[:200],
                                original_sha=checked.sha256, image_sha=image_sha,
                                width=checked.width, height=checked.height))
        merged.append(f"公开栏相片 {checked.file_name}")
    report = data.get("report") or {}
    body = str(report.get("body", "")).strip()
    if body:
        current = session.scalars(select(WrittenReport).where(
            WrittenReport.team_id == team.id, WrittenReport.year == year,
            WrittenReport.month == month)).first()
        if current is None:
            session.add(WrittenReport(team_id=team.id, year=year, month=month,
                                      title=str(report.get("title", ""))[:120] or "书面汇报",
                                      body=body, author=str(report.get("author", ""))[:60]))
            merged.append("书面汇报")
        elif current.body != body:
            current.body = body
            current.title = str(report.get("title", current.title))[:120]
            merged.append("书面汇报（更新为材料包中的版本）")
    for item in data.get("projects", []):
        merged += _merge_project(session, path, team, communities, item)
    return merged


def _merge_project(session: Session, path: Path, team: Team, communities: dict[str, int],
                   item: dict) -> list[str]:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    out: list[str] = []
    try:
        project = session.scalars(select(FundingProject).where(
            FundingProject.uid == item["uid"])).first()
        if project is None:
            community_id = communities.get(item["community"])
            if community_id is None:
                raise _reject(path, f"项目“{item['name']}”所属村（社区）不在本团队")
            project = FundingProject(
                uid=item["uid"], team_id=team.id, community_id=community_id,
                name=item["name"][:120], situation=item.get("situation", ""),
                plan=item.get("plan", ""), budget=Decimal(item["budget"]),
                subsidy=Decimal(item["subsidy"]), applied_on=day(item["applied_on"]),
                urgency=Urgency(item["urgency"]), status=ProjectStatus(item["status"]),
                decided_on=day(item.get("decided_on")),
                approved_amount=(Decimal(item["approved_amount"])
                                 if item.get("approved_amount") else None),
                refusal_reason=item.get("refusal_reason", ""),
                expected_completion=day(item.get("expected_completion")),
                actual_completion=day(item.get("actual_completion")))
            session.add(project)
            out.append(f"经费项目 {project.name}")
        elif project.team_id != team.id:
            raise _reject(path, f"项目“{project.name}”属于别的团队")
        paid = {(d.paid_on, d.amount) for d in project.disbursements}
        for payment in item.get("disbursements", []):
            key = (day(payment["paid_on"]), Decimal(payment["amount"]))
            if key not in paid:
                project.disbursements.append(Disbursement(paid_on=key[0], amount=key[1],
                                                          note=payment.get("note", "")[:200]))
                out.append(f"经费拨付 {project.name} {key[1]} 元")
        months = {(g.year, g.month) for g in project.progress}
        for progress in item.get("progress", []):
            key = (int(progress["year"]), int(progress["month"]))
            if key not in months:
                project.progress.append(ProjectProgress(
                    year=key[0], month=key[1], percent=int(progress["percent"]),
                    note=progress.get("note", "")))
                out.append(f"项目进度 {project.name} {key[0]}-{key[1]:02d}")
        if project.status == ProjectStatus.APPROVED and item["status"] == ProjectStatus.COMPLETED.value:
            project.status = ProjectStatus.COMPLETED
            project.actual_completion = day(item.get("actual_completion"))
    except DomainError:
        raise
    except (KeyError, ValueError, TypeError, ArithmeticError):
        raise _reject(path, "data.json 中的经费项目数据无法识别") from None
    return out


def package_rows(session: Session, year: int | None = None) -> list[SubmissionPackage]:
    require(session, Permission.VIEW_RECORDS)
    query = select(SubmissionPackage).order_by(SubmissionPackage.received_at.desc())
    if year is not None:
        query = query.where(SubmissionPackage.year == year)
    return list(session.scalars(query))


__all__ = ["BuiltPackage", "Receipt", "build_package", "missing_items", "package_rows",
           "read_package", "receive_package"]
