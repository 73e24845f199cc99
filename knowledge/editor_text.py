# ruff: noqa: E501 - sentences read better unbroken
"""The editor's words in English and Welsh: messages, notices, the activity log.

Every message a member of staff can see on an editor form is a key here with
an English and a Welsh text, written the GOV.UK way (say what to do: "Enter a
title", not what went wrong in the code). Pages never show a library's text:
``knowledge.editor_forms`` turns each validation error into one of these keys,
and ``tests/unit/knowledge/test_editor_messages.py`` walks every error the
form models can raise to prove it.

The language is the staff member's choice: ``?lang=cy`` (remembered in a
cookie), else the browser's Accept-Language (accounts hold no language
preference yet).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from frontdoor.clock import LONDON
from frontdoor.language import (  # the choice of language is core's, shared with the console
    LANGUAGES as LANGUAGES,
)
from frontdoor.language import Language as Language
from frontdoor.language import choose_language as choose_language
from frontdoor.language import from_accept_language as from_accept_language
from frontdoor.language import language_of as language_of

LANGUAGE_COOKIE = "frontdoor_editor_lang"

# key: (English, Welsh)
MESSAGES: dict[str, tuple[str, str]] = {
    # the error summary
    "problem": ("There is a problem", "Mae problem wedi codi"),
    "error_prefix": ("Error:", "Gwall:"),
    # title
    "title.missing": ("Enter a title", "Rhowch deitl"),
    "title.too_long": (
        "The title must be 200 characters or fewer",
        "Rhaid i'r teitl fod yn 200 o nodau neu lai",
    ),
    # web address
    "slug.missing": ("Enter a web address", "Rhowch gyfeiriad gwe"),
    "slug.pattern": (
        "The web address can only contain lower-case letters, numbers and hyphens",
        "Dim ond llythrennau bach, rhifau a chysylltnodau all fod yn y cyfeiriad gwe",
    ),
    "slug.too_long": (
        "The web address must be 120 characters or fewer",
        "Rhaid i'r cyfeiriad gwe fod yn 120 o nodau neu lai",
    ),
    "slug.taken": (
        "Another article already uses this web address: choose a different one",
        "Mae erthygl arall eisoes yn defnyddio'r cyfeiriad gwe hwn: dewiswch un gwahanol",
    ),
    "language.invalid": ("Select English or Welsh", "Dewiswch Saesneg neu Gymraeg"),
    # summary, area, team
    "summary.missing": ("Enter a summary", "Rhowch grynodeb"),
    "summary.too_long": (
        "The summary must be 600 characters or fewer",
        "Rhaid i'r crynodeb fod yn 600 o nodau neu lai",
    ),
    "service_area.invalid": ("Select a service area", "Dewiswch faes gwasanaeth"),
    "owner_team.missing": (
        "Select the team that owns this article",
        "Dewiswch y tîm sy'n berchen ar yr erthygl hon",
    ),
    "owner_team.too_long": (
        "The team name must be 120 characters or fewer",
        "Rhaid i enw'r tîm fod yn 120 o nodau neu lai",
    ),
    # review date (GOV.UK date input)
    "review_by.missing": ("Enter a review date", "Rhowch ddyddiad adolygu"),
    "review_by.day": (
        "The review date must include a day",
        "Rhaid i'r dyddiad adolygu gynnwys diwrnod",
    ),
    "review_by.month": (
        "The review date must include a month",
        "Rhaid i'r dyddiad adolygu gynnwys mis",
    ),
    "review_by.year": (
        "The review date must include a year",
        "Rhaid i'r dyddiad adolygu gynnwys blwyddyn",
    ),
    "review_by.real": (
        "The review date must be a real date",
        "Rhaid i'r dyddiad adolygu fod yn ddyddiad go iawn",
    ),
    "review_by.year_digits": (
        "The year of the review date must have 4 numbers, for example 2027",
        "Rhaid i flwyddyn y dyddiad adolygu fod â 4 rhif, er enghraifft 2027",
    ),
    # body
    "body.missing": ("Enter the text of the article", "Rhowch destun yr erthygl"),
    "body.too_large": (
        "The article is too long: it must be {limit} or less",
        "Mae'r erthygl yn rhy hir: rhaid iddi fod yn {limit} neu lai",
    ),
    # lists
    "tags.too_many": ("Enter 30 tags or fewer", "Rhowch 30 o dagiau neu lai"),
    "tags.item_too_long": (
        "Tag {item} must be 60 characters or fewer",
        "Rhaid i dag {item} fod yn 60 o nodau neu lai",
    ),
    "alternative_questions.too_many": (
        "Enter 100 alternative questions or fewer",
        "Rhowch 100 o gwestiynau amgen neu lai",
    ),
    "alternative_questions.item_too_long": (
        "Question {item} must be 300 characters or fewer",
        "Rhaid i gwestiwn {item} fod yn 300 o nodau neu lai",
    ),
    "related.too_many": (
        "Enter 30 related articles or fewer",
        "Rhowch 30 o erthyglau cysylltiedig neu lai",
    ),
    "related.pattern": (
        "Related article {item} must be a web address of lower-case letters, numbers and hyphens, for example missed-bin",
        "Rhaid i erthygl gysylltiedig {item} fod yn gyfeiriad gwe o lythrennau bach, rhifau a chysylltnodau, er enghraifft missed-bin",
    ),
    "related.item_too_long": (
        "Related article {item} must be 120 characters or fewer",
        "Rhaid i erthygl gysylltiedig {item} fod yn 120 o nodau neu lai",
    ),
    "links.too_many": ("Enter 30 links or fewer", "Rhowch 30 o ddolenni neu lai"),
    "links.title_too_long": (
        "The title of link {item} must be 200 characters or fewer",
        "Rhaid i deitl dolen {item} fod yn 200 o nodau neu lai",
    ),
    "links.url_missing": (
        "Link {item} needs an address after the | sign",
        "Mae angen cyfeiriad ar ôl yr arwydd | ar ddolen {item}",
    ),
    "links.url_too_long": (
        "The address of link {item} must be 2,000 characters or fewer",
        "Rhaid i gyfeiriad dolen {item} fod yn 2,000 o nodau neu lai",
    ),
    "links.url_unsafe": (
        "The address of link {item} must start with /, https://, http://, mailto: or tel:",
        "Rhaid i gyfeiriad dolen {item} ddechrau gyda /, https://, http://, mailto: neu tel:",
    ),
    # translation
    "translation_of.pattern": (
        "The English article's web address can only contain lower-case letters, numbers and hyphens",
        "Dim ond llythrennau bach, rhifau a chysylltnodau all fod yng nghyfeiriad gwe'r erthygl Saesneg",
    ),
    "translation_of.too_long": (
        "The English article's web address must be 120 characters or fewer",
        "Rhaid i gyfeiriad gwe'r erthygl Saesneg fod yn 120 o nodau neu lai",
    ),
    "translation_of.english": (
        "Only a Welsh article can be a translation: leave this empty or choose Welsh",
        "Dim ond erthygl Gymraeg all fod yn gyfieithiad: gadewch hwn yn wag neu dewiswch Gymraeg",
    ),
    "translation.not_a_translation": (
        "Only a Welsh article whose English article is published can be marked as updated",
        "Dim ond erthygl Gymraeg y mae ei herthygl Saesneg wedi'i chyhoeddi y gellir ei marcio wedi'i diweddaru",
    ),
    # publishing dates and times
    "publish_at.real": (
        "The publish date must be a real date",
        "Rhaid i'r dyddiad cyhoeddi fod yn ddyddiad go iawn",
    ),
    "publish_at.incomplete": (
        "Enter the publish date in full: day, month and year",
        "Rhowch y dyddiad cyhoeddi yn llawn: diwrnod, mis a blwyddyn",
    ),
    "publish_at.time": (
        "The publish time must be a real time, for example 9:30 or 14:00",
        "Rhaid i'r amser cyhoeddi fod yn amser go iawn, er enghraifft 9:30 neu 14:00",
    ),
    "publish_at.already_live": (
        "This article is already on the website: a publish date is only for its first publication",
        "Mae'r erthygl hon eisoes ar y wefan: dim ond ar gyfer ei chyhoeddi am y tro cyntaf y mae dyddiad cyhoeddi",
    ),
    "unpublish_at.real": (
        "The date to take it off the website must be a real date",
        "Rhaid i'r dyddiad i'w thynnu oddi ar y wefan fod yn ddyddiad go iawn",
    ),
    "unpublish_at.incomplete": (
        "Enter the date to take it off the website in full: day, month and year",
        "Rhowch y dyddiad i'w thynnu oddi ar y wefan yn llawn: diwrnod, mis a blwyddyn",
    ),
    "unpublish_at.time": (
        "The time to take it off the website must be a real time, for example 9:30 or 14:00",
        "Rhaid i'r amser i'w thynnu oddi ar y wefan fod yn amser go iawn, er enghraifft 9:30 neu 14:00",
    ),
    "unpublish_at.after": (
        "The date to take it off the website must be after the publish date",
        "Rhaid i'r dyddiad i'w thynnu oddi ar y wefan fod ar ôl y dyddiad cyhoeddi",
    ),
    # saving and workflow
    "note.too_long": (
        "What you changed must be 500 characters or fewer",
        "Rhaid i'r hyn a newidiwyd gennych fod yn 500 o nodau neu lai",
    ),
    "base_version.invalid": (
        "The page was out of date: reload the article and make your change again",
        "Roedd y dudalen wedi dyddio: ail-lwythwch yr erthygl a gwnewch eich newid eto",
    ),
    "comment.missing": (
        "Enter a comment saying what needs changing",
        "Rhowch sylw yn dweud beth sydd angen ei newid",
    ),
    "comment.too_long": (
        "The comment must be 2,000 characters or fewer",
        "Rhaid i'r sylw fod yn 2,000 o nodau neu lai",
    ),
    "workflow.not_allowed": (
        "You cannot do that with your role: ask a reviewer or an admin",
        "Ni allwch wneud hynny gyda'ch rôl: gofynnwch i adolygydd neu weinyddwr",
    ),
    "workflow.self_approval": (
        "You made changes in this version, so another reviewer must approve it",
        "Chi wnaeth newidiadau yn y fersiwn hon, felly rhaid i adolygydd arall ei chymeradwyo",
    ),
    "workflow.illegal": (
        "That cannot be done to an article that is {state}: reload the page to see what has changed",
        "Ni ellir gwneud hynny i erthygl sydd {state}: ail-lwythwch y dudalen i weld beth sydd wedi newid",
    ),
    "conflict.title": ("Your changes were not saved", "Ni chafodd eich newidiadau eu cadw"),
    "conflict.message": (
        "Someone saved a newer version of this article (revision {current}) after you opened revision {base}",
        "Cadwodd rhywun fersiwn mwy newydd o'r erthygl hon (adolygiad {current}) ar ôl i chi agor adolygiad {base}",
    ),
    "form.rejected": (
        "Something in the form was not right. Go back, check your answers and try again.",
        "Nid oedd rhywbeth yn y ffurflen yn iawn. Ewch yn ôl, gwiriwch eich atebion a rhowch gynnig arall arni.",
    ),
    "conflict.raced": (
        "This article changed while you were saving: reload it and make your change again",
        "Newidiodd yr erthygl hon tra oeddech yn cadw: ail-lwythwch hi a gwnewch eich newid eto",
    ),
    "form.invalid": (
        "Check the {field} and try again",
        "Gwiriwch y {field} a rhowch gynnig arall arni",
    ),
    # content gaps
    "gap.title.missing": ("Enter a title for the new article", "Rhowch deitl i'r erthygl newydd"),
    "gap.article.missing": (
        "Choose an article from the search results",
        "Dewiswch erthygl o ganlyniadau'r chwiliad",
    ),
    "gap.intent.missing": (
        "Choose one of the bot's intents",
        "Dewiswch un o fwriadau'r bot",
    ),
    "gap.train.admin_only": (
        "Only an admin can teach the bot: ask an admin to add these as training examples",
        "Dim ond gweinyddwr all ddysgu'r bot: gofynnwch i weinyddwr eu hychwanegu fel "
        "enghreifftiau hyfforddi",
    ),
    "gap.none": (
        "These questions were already dealt with: reload the page",
        "Mae'r cwestiynau hyn eisoes wedi'u trin: ail-lwythwch y dudalen",
    ),
    # staff and teams
    "admin.name.missing": ("Enter the person's full name", "Rhowch enw llawn yr unigolyn"),
    "admin.email.invalid": (
        "Enter an email address in the correct format, like name@example.gov.uk",
        "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.gov.uk",
    ),
    "admin.email.taken": (
        "There is already an account with this email address",
        "Mae cyfrif gyda'r cyfeiriad e-bost hwn eisoes",
    ),
    "admin.password.short": (
        "The password must be 12 characters or more",
        "Rhaid i'r cyfrinair fod yn 12 nod neu fwy",
    ),
    "admin.roles.missing": ("Select at least one role", "Dewiswch o leiaf un rôl"),
    "admin.team.missing": ("Enter a team name", "Rhowch enw tîm"),
    "admin.team.too_long": (
        "The team name must be 120 characters or fewer",
        "Rhaid i enw'r tîm fod yn 120 o nodau neu lai",
    ),
    "admin.team.taken": ("There is already a team with this name", "Mae tîm gyda'r enw hwn eisoes"),
    "admin.team.unknown": ("Select teams from the list", "Dewiswch dimau o'r rhestr"),
    "admin.last_admin": (
        "You cannot remove the last admin: give another person the admin role first",
        "Ni allwch dynnu'r gweinyddwr olaf: rhowch rôl gweinyddwr i rywun arall yn gyntaf",
    ),
    "admin.self": (
        "You cannot take away your own admin role or deactivate your own account",
        "Ni allwch dynnu eich rôl gweinyddwr eich hun na dadactifadu eich cyfrif eich hun",
    ),
    "admin.two_factor.no_key": (
        "Two-factor authentication cannot be required until the server's "
        "FRONTDOOR_TOTP_ENCRYPTION_KEY is set: nobody could set it up",
        "Ni ellir mynnu dilysu dau ffactor nes bod FRONTDOOR_TOTP_ENCRYPTION_KEY "
        "y gweinydd wedi'i osod: ni allai neb ei osod",
    ),
    "admin.invalid": (
        "Check the details and try again",
        "Gwiriwch y manylion a rhowch gynnig arall arni",
    ),
    # the preview (editor.js reads these from data attributes)
    "preview.updating": ("Updating preview…", "Yn diweddaru'r rhagolwg…"),
    "preview.done": ("Preview up to date", "Mae'r rhagolwg yn gyfredol"),
    "preview.failed": (
        "The preview could not be updated. Your text is safe; keep writing.",
        "Nid oedd modd diweddaru'r rhagolwg. Mae eich testun yn ddiogel; daliwch ati i ysgrifennu.",
    ),
    "preview.too_large": (
        "The article is too long to preview. Shorten it before you save.",
        "Mae'r erthygl yn rhy hir i'w rhagweld. Byrhewch hi cyn i chi gadw.",
    ),
    "preview.signed_out": (
        "You have been signed out, so the preview stopped. Copy your text, sign in again in a new tab, then save.",
        "Rydych wedi cael eich allgofnodi, felly stopiodd y rhagolwg. Copïwch eich testun, mewngofnodwch eto mewn tab newydd, yna cadwch.",
    ),
    # notices after a change
    "done.saved": (
        "Your changes were saved as a new draft revision.",
        "Cafodd eich newidiadau eu cadw fel adolygiad drafft newydd.",
    ),
    "done.created": ("The draft was created.", "Cafodd y drafft ei greu."),
    "done.two_factor_policy": (
        "The two-factor rule for every account was changed.",
        "Newidiwyd y rheol dau ffactor ar gyfer pob cyfrif.",
    ),
    "done.two_factor_reset": (
        "Two-factor authentication was reset. The person sets it up again the next time "
        "they sign in with a password (if it is required), or from their account.",
        "Ailosodwyd dilysu dau ffactor. Bydd y person yn ei osod eto y tro nesaf y bydd "
        "yn mewngofnodi gyda chyfrinair (os oes rhaid), neu o'i gyfrif.",
    ),
    "done.submit": ("The article was sent for review.", "Anfonwyd yr erthygl i'w hadolygu."),
    "done.approve": (
        "The article is published. The website and search show it now.",
        "Mae'r erthygl wedi'i chyhoeddi. Mae'r wefan a'r chwiliad yn ei dangos nawr.",
    ),
    "done.send_back": (
        "The article was sent back to the editor with your comment.",
        "Anfonwyd yr erthygl yn ôl at y golygydd gyda'ch sylw.",
    ),
    "done.archive": (
        "The article was archived and taken off the website.",
        "Cafodd yr erthygl ei harchifo a'i thynnu oddi ar y wefan.",
    ),
    "done.reopen": (
        "The article was reopened as a draft.",
        "Cafodd yr erthygl ei hailagor fel drafft.",
    ),
    "done.translation_updated": (
        "The translation is marked as matching the current English version.",
        "Mae'r cyfieithiad wedi'i farcio'n cyfateb i'r fersiwn Saesneg gyfredol.",
    ),
    "done.restored": (
        "The old revision was restored as a new draft revision.",
        "Cafodd yr hen adolygiad ei adfer fel adolygiad drafft newydd.",
    ),
    "done.user_created": (
        "The account was created. Give the person their password securely.",
        "Cafodd y cyfrif ei greu. Rhowch eu cyfrinair i'r unigolyn yn ddiogel.",
    ),
    "done.user_updated": ("The account was changed.", "Cafodd y cyfrif ei newid."),
    "done.team_created": ("The team was added.", "Cafodd y tîm ei ychwanegu."),
    "done.attached": (
        "The questions were added to the article as alternative questions (a new draft revision).",
        "Ychwanegwyd y cwestiynau at yr erthygl fel cwestiynau amgen (adolygiad drafft newydd).",
    ),
    "done.reviewed": (
        "Thank you: the article is recorded as still correct. Its next review is due on {date}.",
        "Diolch: mae'r erthygl wedi'i chofnodi'n dal yn gywir. Mae ei hadolygiad nesaf yn ddyledus ar {date}.",
    ),
    # the activity log, in plain words
    "event.create": ("{name} created a draft", "Creodd {name} ddrafft"),
    "event.save": ("{name} saved a new draft", "Cadwodd {name} ddrafft newydd"),
    "event.submit": ("{name} sent this for review", "Anfonodd {name} hwn i'w adolygu"),
    "event.approve": ("{name} published this", "Cyhoeddodd {name} hwn"),
    "event.send_back": (
        "{name} sent this back to the editor",
        "Anfonodd {name} hwn yn ôl at y golygydd",
    ),
    "event.archive": (
        "{name} archived this and took it off the website",
        "Archifodd {name} hwn a'i dynnu oddi ar y wefan",
    ),
    "event.reopen": ("{name} reopened this as a draft", "Ailagorodd {name} hwn fel drafft"),
    "event.unpublish": (
        "{name} took this off the website as scheduled",
        "Tynnodd {name} hwn oddi ar y wefan fel y trefnwyd",
    ),
    "event.publish": (
        "{name} put this on the website as scheduled",
        "Rhoddodd {name} hwn ar y wefan fel y trefnwyd",
    ),
    "event.translation_updated": (
        "{name} marked the Welsh translation as up to date",
        "Marciodd {name} y cyfieithiad Cymraeg yn gyfredol",
    ),
    "event.review": (
        "{name} checked this and confirmed it is still correct",
        "Gwiriodd {name} hwn a chadarnhau ei fod yn dal yn gywir",
    ),
    "event.other": ("{name} changed this", "Newidiodd {name} hwn"),
    "event.revision": ("revision {number}", "adolygiad {number}"),
    "state.draft": ("draft", "drafft"),
    "state.in_review": ("in review", "yn cael ei adolygu"),
    "state.published": ("published", "wedi'i gyhoeddi"),
    "state.archived": ("archived", "wedi'i archifo"),
    # review reminders and "still correct"
    "reminder.none": ("Not reminded yet", "Dim nodyn atgoffa eto"),
    "reminder.no_address": (
        "Nobody to remind: give this team members in Staff and teams, or an address in the settings",
        "Neb i'w atgoffa: rhowch aelodau i'r tîm hwn yn Staff a thimau, neu gyfeiriad yn y gosodiadau",
    ),
    "reminder.sent": ("{team} reminded on {date}", "Atgoffwyd {team} ar {date}"),
    "reminder.still_correct": ("Still correct", "Yn dal yn gywir"),
    "reminder.confirm_title": (
        "Is this article still correct?",
        "Ydy'r erthygl hon yn dal yn gywir?",
    ),
    "reminder.confirm_lead": (
        "If you have checked it and nothing needs to change, confirm it here. Its next review will be due on {date}.",
        "Os ydych wedi'i gwirio a does dim angen newid dim, cadarnhewch hynny yma. Bydd ei hadolygiad nesaf yn ddyledus ar {date}.",
    ),
    "reminder.confirm_button": ("Yes, it is still correct", "Ydy, mae'n dal yn gywir"),
    "reminder.edit_instead": (
        "Something needs to change: edit the article",
        "Mae angen newid rhywbeth: golygu'r erthygl",
    ),
    "reminder.archived": (
        "This article is archived, so it needs no review",
        "Mae'r erthygl hon wedi'i harchifo, felly nid oes angen ei hadolygu",
    ),
    # the reminder email (English first, Welsh second, in one message)
    "reminder.email_subject_due": ("Due for review", "I'w adolygu"),
    "reminder.email_subject_overdue": ("Overdue for review", "Yn hwyr i'w adolygu"),
    "reminder.email_welsh_below": ("Scroll down for Welsh.", "Sgroliwch i lawr am y Gymraeg."),
    "reminder.email_greeting": ("Hello {team},", "Helo {team},"),
    "reminder.email_due": (
        'The page "{title}" is due for review by {date}.',
        'Mae angen adolygu\'r dudalen "{title}" erbyn {date}.',
    ),
    "reminder.email_overdue": (
        'The page "{title}" is overdue for review. Its review date was {date}.',
        "Mae'r dudalen \"{title}\" yn hwyr i'w hadolygu. Ei dyddiad adolygu oedd {date}.",
    ),
    "reminder.email_still_correct": (
        "If it is still correct, tell us with one click: {url}",
        "Os yw'n dal yn gywir, dywedwch wrthym gydag un clic: {url}",
    ),
    "reminder.email_edit": (
        "If something needs to change, edit it: {url}",
        "Os oes angen newid rhywbeth, golygwch hi: {url}",
    ),
    "reminder.email_why": (
        "You get this because {team} owns this page. Residents and the council's chat assistant rely on it being right.",
        "Rydych yn cael hwn oherwydd mai {team} sy'n berchen ar y dudalen hon. Mae trigolion a chynorthwyydd sgwrsio'r cyngor yn dibynnu arni i fod yn gywir.",
    ),
    # the editor's own words (the article page, the navigation)
    "ui.editor": ("Knowledge base editor", "Golygydd y sylfaen wybodaeth"),
    "ui.skip": ("Skip to main content", "Neidio i'r prif gynnwys"),
    "ui.sign_out": ("Sign out", "Allgofnodi"),
    "ui.nav": ("Editor", "Golygydd"),
    "ui.nav.articles": ("Articles", "Erthyglau"),
    "ui.nav.new": ("New article", "Erthygl newydd"),
    "ui.nav.review": ("Review queue", "Ciw adolygu"),
    "ui.nav.stale": ("Stale content", "Cynnwys sydd wedi dyddio"),
    "ui.nav.gaps": ("Missed questions", "Cwestiynau a fethwyd"),
    "ui.nav.admin": ("Staff and teams", "Staff a thimau"),
    "ui.nav.notifications": ("Notifications", "Hysbysiadau"),
    "ui.nav.subscriptions": ("Subscriptions", "Tanysgrifiadau"),
    "ui.nav.privacy": ("Subject access", "Mynediad at ddata"),
    "ui.nav.audit": ("Audit log", "Log archwilio"),
    "ui.nav.website": ("Website", "Gwefan"),
    "ui.new_article": ("New article", "Erthygl newydd"),
    "ui.edit_title": ("Edit: {title}", "Golygu: {title}"),
    "ui.review_by": ("Review by", "Adolygu erbyn"),
    "ui.overdue": ("overdue", "hwyr"),
    "ui.revision": ("Revision {number}", "Adolygiad {number}"),
    "ui.live_revision": ("live revision {number}", "adolygiad byw {number}"),
    "ui.scheduled": ("scheduled to appear on {moment}", "wedi'i drefnu i ymddangos ar {moment}"),
    "ui.view_on_website": ("view on website", "gweld ar y wefan"),
    "ui.not_on_website": ("not on the website", "nid yw ar y wefan"),
    "ui.history": ("History and compare", "Hanes a chymharu"),
    "ui.mark_translation": (
        "Mark translation as updated",
        "Marcio'r cyfieithiad wedi'i ddiweddaru",
    ),
    "ui.title": ("Title", "Teitl"),
    "ui.slug": ("Web address", "Cyfeiriad gwe"),
    "ui.slug_hint": (
        "Made from the title as you type; you can change it. Lower-case letters, numbers and hyphens, for example missed-bin. The page will be at /articles/",
        "Caiff ei wneud o'r teitl wrth i chi deipio; gallwch ei newid. Llythrennau bach, rhifau a chysylltnodau, er enghraifft missed-bin. Bydd y dudalen yn /articles/",
    ),
    "ui.slug_placeholder": ("your-web-address", "eich-cyfeiriad-gwe"),
    "ui.language": ("Language", "Iaith"),
    "ui.english": ("English", "Saesneg"),
    "ui.welsh": ("Welsh (Cymraeg)", "Cymraeg"),
    "ui.summary": ("Summary", "Crynodeb"),
    "ui.service_area": ("Service area", "Maes gwasanaeth"),
    "ui.owner_team": ("Owner team", "Tîm perchennog"),
    "ui.choose_team": ("Choose a team", "Dewiswch dîm"),
    "ui.body": ("Body (Markdown)", "Corff (Markdown)"),
    "ui.body_hint": (
        "Use ## for section headings. The preview shows exactly what the website will show.",
        "Defnyddiwch ## ar gyfer penawdau adrannau. Mae'r rhagolwg yn dangos yn union beth fydd y wefan yn ei ddangos.",
    ),
    "ui.questions": ("Alternative questions", "Cwestiynau amgen"),
    "ui.questions_hint": (
        "How residents ask for this, one per line. Search and the bot use them.",
        "Sut mae trigolion yn gofyn am hyn, un i bob llinell. Mae'r chwiliad a'r bot yn eu defnyddio.",
    ),
    "ui.tags": ("Tags", "Tagiau"),
    "ui.tags_hint": ("Separated by commas", "Wedi'u gwahanu gan atalnodau"),
    "ui.related": ("Related articles", "Erthyglau cysylltiedig"),
    "ui.related_hint": (
        "Their web addresses, separated by commas",
        "Eu cyfeiriadau gwe, wedi'u gwahanu gan atalnodau",
    ),
    "ui.links": ("Links", "Dolenni"),
    "ui.links_hint": (
        "One per line: Title | /path or https://address",
        "Un i bob llinell: Teitl | /llwybr neu https://cyfeiriad",
    ),
    "ui.translation_of": ("Translation of", "Cyfieithiad o"),
    "ui.translation_of_hint": (
        "Welsh articles only: the English article's web address",
        "Erthyglau Cymraeg yn unig: cyfeiriad gwe'r erthygl Saesneg",
    ),
    "ui.publish_on": (
        "Publish on (applies when a reviewer approves)",
        "Cyhoeddi ar (yn berthnasol pan fydd adolygydd yn cymeradwyo)",
    ),
    "ui.unpublish_on": ("Take off the website on", "Tynnu oddi ar y wefan ar"),
    "ui.note": ("What did you change? (optional)", "Beth wnaethoch chi ei newid? (dewisol)"),
    "ui.save": ("Save as new draft revision", "Cadw fel adolygiad drafft newydd"),
    "ui.create": ("Create draft", "Creu drafft"),
    "ui.preview": ("Preview", "Rhagolwg"),
    "ui.workflow": ("Workflow", "Llif gwaith"),
    "ui.comment": ("Comment", "Sylw"),
    "ui.comment_hint": ("Required when sending back", "Yn ofynnol wrth anfon yn ôl"),
    "ui.submit": ("Send for review", "Anfon i'w adolygu"),
    "ui.approve": ("Approve and publish", "Cymeradwyo a chyhoeddi"),
    "ui.send_back": ("Send back", "Anfon yn ôl"),
    "ui.reopen": ("Reopen as draft", "Ailagor fel drafft"),
    "ui.archive": ("Archive", "Archifo"),
    "ui.residents_said": ("What residents said", "Beth ddywedodd trigolion"),
    "ui.helpful_counts": (
        "Was this page helpful? Yes: {yes}, no: {no}.",
        "Oedd y dudalen hon yn ddefnyddiol? Oedd: {yes}, nac oedd: {no}.",
    ),
    "ui.helpful": ("Helpful", "Defnyddiol"),
    "ui.not_helpful": ("Not helpful", "Ddim yn ddefnyddiol"),
    "ui.recent_activity": ("Recent activity", "Gweithgarwch diweddar"),
    "ui.history_title": ("History", "Hanes"),
    "ui.compare_revision": ("Compare revision", "Cymharu adolygiad"),
    "ui.with_revision": ("with revision", "ag adolygiad"),
    "ui.show_as": ("Show as", "Dangos fel"),
    "ui.side_by_side": ("Side by side", "Ochr yn ochr"),
    "ui.unified": ("Unified diff", "Gwahaniaethau unedig"),
    "ui.compare": ("Compare", "Cymharu"),
    "ui.revisions": ("Revisions", "Adolygiadau"),
    "ui.author": ("Author", "Awdur"),
    "ui.saved": ("Saved", "Cadwyd"),
    "ui.note_column": ("Note", "Nodyn"),
    "ui.actions": ("Actions", "Camau gweithredu"),
    "ui.live": ("live", "byw"),
    "ui.restore": ("Restore", "Adfer"),
    "ui.restore_revision": ("revision {number}", "adolygiad {number}"),
    "ui.activity": ("Activity", "Gweithgarwch"),
    "ui.stale_title": ("Stale content", "Cynnwys sydd wedi dyddio"),
    "ui.stale_lead": (
        "Articles past their review-by date. The owner team must check each one: if it is still correct, say so with one click; if not, edit it. Owner teams are reminded {days} days before the date and weekly once it has passed.",
        "Erthyglau sydd wedi pasio eu dyddiad adolygu. Rhaid i'r tîm perchennog wirio pob un: os yw'n dal yn gywir, dywedwch hynny gydag un clic; os nad yw, golygwch hi. Caiff timau perchennog eu hatgoffa {days} diwrnod cyn y dyddiad ac yn wythnosol ar ôl iddo basio.",
    ),
    "ui.nothing_overdue": ("Nothing is overdue for review.", "Does dim yn hwyr i'w adolygu."),
    "ui.overdue_caption": (
        "Overdue articles owned by {team}",
        "Erthyglau hwyr sy'n eiddo i {team}",
    ),
    "ui.state": ("State", "Cyflwr"),
    "ui.days_overdue": ("Days overdue", "Diwrnodau'n hwyr"),
    "ui.reminded": ("Reminded", "Atgoffwyd"),
    "ui.owner": ("Owner", "Perchennog"),
    "ui.due_soon": (
        "Due for review in the next {days} days",
        "I'w adolygu yn ystod y {days} diwrnod nesaf",
    ),
    "ui.due_soon_caption": ("Articles due for review soon", "Erthyglau i'w hadolygu cyn bo hir"),
    "ui.none": ("None.", "Dim."),
    "ui.back_to": ("Back to {title}", "Yn ôl i {title}"),
    "ui.back_to_history": ("Back to history", "Yn ôl i'r hanes"),
    # the article list and the review queue
    "ui.filter_articles": ("Filter articles", "Hidlo erthyglau"),
    "ui.title_or_slug": ("Title or web address", "Teitl neu gyfeiriad gwe"),
    "ui.any": ("Any", "Unrhyw un"),
    "ui.welsh_short": ("Welsh", "Cymraeg"),
    "ui.filter_stale": (
        "Stale (past its review-by date)",
        "Wedi dyddio (wedi pasio ei dyddiad adolygu)",
    ),
    "ui.filter_needs_review": ("Needs review", "Angen ei hadolygu"),
    "ui.filter_outdated": ("Welsh translation out of date", "Cyfieithiad Cymraeg wedi dyddio"),
    "ui.outdated_translation": (
        "The English version has changed since this was translated",
        "Mae'r fersiwn Saesneg wedi newid ers cyfieithu hon",
    ),
    "ui.filter": ("Filter", "Hidlo"),
    "ui.articles_caption": ("{count} articles", "{count} erthygl"),
    "ui.articles_shown": (
        "Showing articles {first} to {last} of {total}.",
        "Yn dangos erthyglau {first} i {last} o {total}.",
    ),
    "ui.article_pages": ("Pages of articles", "Tudalennau o erthyglau"),
    "ui.previous_page": ("Previous page", "Tudalen flaenorol"),
    "ui.next_page": ("Next page", "Tudalen nesaf"),
    "ui.page_of": ("Page {page} of {pages}", "Tudalen {page} o {pages}"),
    "ui.area": ("Area", "Maes"),
    "ui.updated": ("Updated", "Diweddarwyd"),
    "ui.overdue_mark": ("(overdue)", "(yn hwyr)"),
    "ui.no_articles_match": (
        "No articles match these filters.",
        "Nid oes erthyglau'n cyfateb i'r hidlwyr hyn.",
    ),
    "ui.nothing_waiting": ("Nothing is waiting for review.", "Does dim yn aros i'w adolygu."),
    "ui.waiting_caption": ("Articles waiting for review", "Erthyglau sy'n aros i'w hadolygu"),
    "ui.your_change": ("your change", "eich newid"),
    "ui.changes": ("Changes", "Newidiadau"),
    "ui.waiting_since": ("Waiting since", "Yn aros ers"),
    # staff and teams (admin)
    "ui.staff_accounts": ("Staff accounts", "Cyfrifon staff"),
    "ui.name": ("Name", "Enw"),
    "ui.email": ("Email", "E-bost"),
    "ui.roles": ("Roles", "Rolau"),
    "ui.teams": ("Teams", "Timau"),
    "ui.status": ("Status", "Statws"),
    "ui.active": ("Active", "Gweithredol"),
    "ui.deactivated": ("Deactivated", "Wedi'i ddadactifadu"),
    "ui.change": ("Change", "Newid"),
    "ui.add_staff_title": ("Add a member of staff", "Ychwanegu aelod o staff"),
    "ui.full_name": ("Full name", "Enw llawn"),
    "ui.email_address": ("Email address", "Cyfeiriad e-bost"),
    "ui.initial_password": ("Initial password", "Cyfrinair cyntaf"),
    "ui.password_hint": ("At least 12 characters", "O leiaf 12 nod"),
    "ui.add_staff": ("Add member of staff", "Ychwanegu aelod o staff"),
    "ui.add_team_title": ("Add a team", "Ychwanegu tîm"),
    "ui.team_hint": (
        "Teams own articles; every article's owner team must review it by its review-by date.",
        "Mae timau'n berchen ar erthyglau; rhaid i dîm perchennog pob erthygl ei hadolygu erbyn ei dyddiad adolygu.",
    ),
    "ui.team_name": ("Team name", "Enw'r tîm"),
    "ui.add_team": ("Add team", "Ychwanegu tîm"),
    "ui.back_to_admin": ("Back to staff and teams", "Yn ôl i staff a thimau"),
    "ui.account_active": (
        "Account is active (untick to stop this person signing in)",
        "Mae'r cyfrif yn weithredol (dad-diciwch i atal y person hwn rhag mewngofnodi)",
    ),
    "ui.save_changes": ("Save changes", "Cadw newidiadau"),
    "ui.compare_live": (
        "Compare with live revision {number}",
        "Cymharu ag adolygiad byw {number}",
    ),
    "ui.diff_title": (
        "Revision {old} compared with revision {new}",
        "Adolygiad {old} o'i gymharu ag adolygiad {new}",
    ),
    "ui.diff_saved": ("{name} saved this on {moment}", "Cadwodd {name} hwn ar {moment}"),
    "ui.show_unified": ("Show as a unified diff", "Dangos fel gwahaniaethau unedig"),
    "ui.show_side_by_side": ("Show side by side", "Dangos ochr yn ochr"),
    "ui.diff_same": ("The two revisions are the same.", "Mae'r ddau adolygiad yr un fath."),
    # language switch
    "switch.to_other": ("Cymraeg", "English"),
    # date input labels
    "date.day": ("Day", "Diwrnod"),
    "date.month": ("Month", "Mis"),
    "date.year": ("Year", "Blwyddyn"),
    "date.time": ("Time", "Amser"),
    "date.hint": ("For example, 6 12 2027", "Er enghraifft, 6 12 2027"),
    "time.hint": (
        "Optional. For example, 6 12 2027 and 9:30 (UK time)",
        "Dewisol. Er enghraifft, 6 12 2027 a 9:30 (amser y DU)",
    ),
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "cy": [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ],
}

# Words that only a library or a developer writes: none may reach a page.
LIBRARY_WORDS = (
    "String should", "Input should", "Value error", "value_error", "should match pattern",
    "Field required", "validation error", "pydantic", "^[a-z0-9]", "List should",
    "at least 1 character", "Traceback", "invalid_article", "_at:", "translation_of:",
)  # fmt: skip


def text(key: str, language: str = "en", **values: object) -> str:
    english, welsh = MESSAGES[key]
    template = welsh if language == "cy" else english
    return template.format(**values) if values else template


def translator(language: str) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        return text(key, language, **values)

    return t


def long_date(value: date | datetime | None, language: str = "en") -> str:
    """6 December 2026; a moment in UK time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
    return f"{value.day} {MONTHS['cy' if language == 'cy' else 'en'][value.month - 1]} {value.year}"


def long_moment(value: datetime | None, language: str = "en") -> str:
    """6 December 2026 at 9:30am (UK time); Welsh: 6 Rhagfyr 2026 am 9:30yb."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    if language == "cy":
        suffix = "yb" if local.hour < 12 else "yh"
        return f"{long_date(local, 'cy')} am {hour}:{local.minute:02d}{suffix}"
    suffix = "am" if local.hour < 12 else "pm"
    return f"{long_date(local)} at {hour}:{local.minute:02d}{suffix}"


def event_text(action: str, name: str, language: str = "en") -> str:
    """The activity log in plain words: "Dana Reyes sent this for review"."""
    key = f"event.{action}"
    return text(key if key in MESSAGES else "event.other", language, name=name)


def state_name(state: str, language: str = "en") -> str:
    key = f"state.{state}"
    return text(key, language) if key in MESSAGES else state


def catalogue(language: str, keys: Mapping[str, str]) -> dict[str, str]:
    """Several messages at once (for data attributes the scripts read)."""
    return {name: text(key, language) for name, key in keys.items()}
