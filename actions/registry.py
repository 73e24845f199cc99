"""Every custom action, built with its services (the list the domain declares)."""

from __future__ import annotations

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from actions.addresses import AskAddress, AskPostcode
from actions.balances import (
    AskVerifyFact,
    AskVerifyPostcode,
    AskVerifyReference,
    ShowBalance,
    StartBalance,
    ValidateVerifyForm,
    Verify,
)
from actions.base import Services
from actions.bulky import (
    AskBulkyItems,
    AskBulkySlot,
    AskPaymentConfirmed,
    BookBulky,
    BulkyPrices,
    ValidateBulkyWasteForm,
)
from actions.cases import AskCaseReference, CaseDetails, CaseStatus, ValidateCaseForm
from actions.control import (
    CoreFallback,
    No,
    RouteInform,
    SmallTalk,
    StartOver,
    StartTask,
    Stop,
    Yes,
)
from actions.handover import Handoff
from actions.planning import AskPlanningQuery, PlanningStatus, ValidatePlanningForm
from actions.questions import AnswerQuestion
from actions.reports import (
    AskProblemDescription,
    AskProblemKind,
    AskProblemLocation,
    SubmitReport,
    ValidateReportForm,
)
from actions.subscriptions import AskSubscribeContact, Subscribe, ValidateSubscribeForm
from actions.waste import (
    AskBinType,
    AskDisputeReason,
    AskMissedDay,
    BinDay,
    SubmitDispute,
    SubmitMissedBin,
    ValidateBinDayForm,
    ValidateDisputeForm,
    ValidateMissedBinForm,
)

ACTION_CLASSES = (
    ValidateReportForm,
    AskProblemKind,
    AskProblemLocation,
    AskProblemDescription,
    SubmitReport,
    SmallTalk,
    StartOver,
    Stop,
    Yes,
    No,
    Handoff,
    StartTask,
    RouteInform,
    CoreFallback,
    AskPostcode,
    AskAddress,
    ValidateBinDayForm,
    BinDay,
    ValidateMissedBinForm,
    AskBinType,
    AskMissedDay,
    SubmitMissedBin,
    ValidateDisputeForm,
    AskDisputeReason,
    SubmitDispute,
    BulkyPrices,
    ValidateBulkyWasteForm,
    AskBulkyItems,
    AskBulkySlot,
    AskPaymentConfirmed,
    BookBulky,
    ValidateCaseForm,
    AskCaseReference,
    CaseStatus,
    CaseDetails,
    ValidatePlanningForm,
    AskPlanningQuery,
    PlanningStatus,
    StartBalance,
    ValidateVerifyForm,
    AskVerifyReference,
    AskVerifyPostcode,
    AskVerifyFact,
    Verify,
    ShowBalance,
    AnswerQuestion,
    ValidateSubscribeForm,
    AskSubscribeContact,
    Subscribe,
)


def build_actions(services: Services) -> list[Action]:
    return [cls(services) for cls in ACTION_CLASSES]


def build_executor(services: Services) -> ActionExecutor:
    """An executor holding exactly our actions (no package scanning)."""
    executor = ActionExecutor()
    for action in build_actions(services):
        executor.register_action(action)
    return executor
