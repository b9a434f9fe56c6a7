"""The domain's tables, named after the glossary."""

from app.models.audit import AuditEntry, AuditHead
from app.models.base import Base
from app.models.cards import CardDelivery, CardDesign, CardPrint
from app.models.checks import (CheckAmendment, CheckItemTemplate, FieldPatrol, Finding,
                               LedgerCheck, LedgerCheckItem, MeetingSupervision, PatrolSighting,
                               patrol_community)
from app.models.community import Community, Grid
from app.models.documents import IssuedDocument
from app.models.enums import (Attendance, CheckKind, CommunityKind, DocumentKind, FindingSource,
                              FindingStatus,
                              ItemResult, PhotoKind, ProjectStatus, Severity, SubmissionKind,
                              Urgency, Whereabouts, FeedbackMethod, Gender, HandlingLevel, HouseholdKind,
                              MeetingKind, MemberRole, PersonCategory, ProblemSource, ProblemStatus, Role,
                              Satisfaction, SessionKind)
from app.models.funding import Disbursement, FundingProject, FundingYear, ProjectProgress
from app.models.household import BUILTIN_KEY_GROUPS, Household, HouseholdTag, KeyGroup
from app.models.ledgers import Problem, ProblemStep, Reception, StationSession
from app.models.meetings import (ActionItem, AgendaItem, Attendee, Meeting, MeetingAmendment,
                                 SignInScan, meeting_team)
from app.models.meta import DataRevision
from app.models.person import Person
from app.models.problem_categories import ProblemCategory
from app.models.submissions import (NoticePhoto, StoredFile, Submission, SubmissionPackage,
                                    WrittenReport)
from app.models.team import Membership, Team, TeamCommunity
from app.models.town import TownSettings
from app.models.user import SignInThrottle, User, UserRole, UserTeam
from app.models.visits import Visit, visit_problem, visit_visitor

__all__ = [
    "AuditEntry", "AuditHead", "Base", "BUILTIN_KEY_GROUPS", "CardDelivery", "CardDesign",
    "CardPrint", "Community", "CommunityKind",
    "DataRevision", "Gender", "Grid", "Household", "HouseholdKind", "HouseholdTag", "KeyGroup", "MemberRole", "Membership", "Person",
    "PersonCategory", "Role", "Team", "TeamCommunity", "SignInThrottle", "TownSettings", "User", "UserRole",
    "UserTeam",
    "FeedbackMethod", "HandlingLevel", "Problem", "ProblemSource", "ProblemStatus", "ProblemStep",
    "ProblemCategory", "Reception", "Satisfaction", "SessionKind", "StationSession",
    "Visit", "visit_problem", "visit_visitor",
    "ActionItem", "AgendaItem", "Attendance", "Attendee", "Meeting", "MeetingAmendment",
    "MeetingKind", "SignInScan", "meeting_team",
    "CheckAmendment", "CheckItemTemplate", "CheckKind", "FieldPatrol", "Finding", "FindingSource",
    "FindingStatus", "ItemResult", "LedgerCheck", "LedgerCheckItem", "MeetingSupervision",
    "PatrolSighting", "Severity", "Whereabouts", "patrol_community",
    "Disbursement", "FundingProject", "FundingYear", "NoticePhoto", "PhotoKind", "ProjectProgress",
    "ProjectStatus", "StoredFile", "Submission", "SubmissionKind", "SubmissionPackage",
    "Urgency", "WrittenReport",
    "DocumentKind", "IssuedDocument",
]
