-- The `sakari` command: data fixes from the shell (docs/cli.md, `sakari --help`).
-- `main(argv)` (bin/sakari) parses the arguments (lua-argparse), runs one command
-- from lua/sakari/cli/ and returns the exit status: 0 success, 1 a call or a row
-- failed, 2 a usage error, 130 interrupted. Results go to stdout as JSON (or CSV /
-- a table for `list`); errors, progress and summaries go to stderr.
-- The same source runs on Lua 5.4 and LuaJIT: no integer division, no goto,
-- no utf8 library.
local core = require "sakari.core"
local bulk_update = require "sakari.cli.bulk_update"
local actions = require "sakari.cli.commands"
local context = require "sakari.cli.context"
local failure = require "sakari.cli.failure"
local json_out = require "sakari.cli.json_out"
local restore = require "sakari.cli.restore"
local setting_flags = require "sakari.cli.setting_flags"
local settings = require "sakari.settings"

local M = {}

-- A help or version flag ends the command with status 0: main writes its text to stdout.
local function show(text) failure.fail(text, failure.EXIT_OK) end

local function custom_help(parser)
  return parser:add_help { action = function() show(parser:get_help()) end }
end

-- A usage error: the usage of the command it is about, then the error.
local function usage_error(cmd, message)
  failure.usage_error(cmd:get_usage() .. "\n\nError: " .. message)
end

local function field_options(cmd)
  cmd:option("--firstName", "First name.")
  cmd:option("--lastName", "Last name.")
  cmd:option("--email", "Email address.")
  cmd:option("--mobile", "Mobile number (mobile.number), such as +15555550123.")
  cmd:option("--country", "Two-letter country of the mobile number (mobile.country).")
  cmd:option("--attribute", "A custom attribute, NAME=VALUE (repeatable).")
    :argname("<NAME=VALUE>"):count("*")
end

-- --replace, and --patch: the default, still accepted so that scripts that
-- gave it keep working.
local function write_mode_options(cmd, replace_help)
  cmd:mutex(
    cmd:flag("--replace", replace_help),
    cmd:flag("--patch", "The default (accepted for scripts written when it was not).")
  )
end

-- What bulk-update and restore both take after their input; journal_flag
-- names the journal the run writes.
local function run_options(cmd, failures_help, journal_flag, journal_help)
  cmd:flag("--dry-run", "Read every contact, show what would change, write nothing.")
  cmd:option("--failures", failures_help):argname("<FILE>")
  cmd:option(journal_flag, journal_help):argname("<FILE>")
  cmd:option("--progress", "Progress on stderr (auto: a bar on a terminal, else lines).")
    :choices { "auto", "bar", "lines", "off" }
end

local BULK_EPILOG = [[
The CSV (RFC 4180, UTF-8, comma-separated, first line the header) names the
fields in its header:
  id                        the contact id (required)
  firstName, lastName, email
  mobile                    mobile.number
  country                   mobile.country (two letters)
  attributes.NAME or NAME   any other column is the custom attribute NAME
  error                     a failures file's last column: ignored
Known names match case-insensitively.

Each row reads its contact (GET), shows or writes the change, and is written
(PUT) only if it changes something: two requests a changed row, one an
unchanged one. By default a row changes only its non-empty cells and keeps
every other field; with --replace the row becomes the whole contact: every
field it leaves out or leaves empty (mobile, lists, tags, other attributes,
opt-in state...) is cleared. A row that cannot be right (no id, a malformed
email, mobile or country, the wrong number of cells, nothing to set) is not
sent. Up to --concurrency rows are in flight at once (a setting: see `sakari
--help`); rows with the same id run one after the other, in file order.

--dry-run reads every contact and writes nothing: a line per row on stderr
says what would change ('k17 firstName "Bob" -> "Robert"; email unchanged'),
and the summary how many rows change which fields.

Rows that fail are written, as they fail, to the failures file: the input's
header plus "error" as the last column, each row's cells exactly as read (a
short row stays short) and its error last. Fed back with --csv it runs
exactly those rows again, checked again: a row refused before it was sent is
refused again until it is fixed. The default name is the CSV's plus .failed
(bulk50.csv -> bulk50.failed.csv); a failures file fed back gets a numbered
sibling (bulk50.failed.csv -> bulk50.failed.2.csv -> bulk50.failed.3.csv).
It is removed when no row failed.

Every row written goes to the journal as one JSON line (id, the contact
before, the fields sent, the contact after), flushed as it goes, mode 0600
since it holds customer data: by default next to the failures file
(bulk50.journal.jsonl, or bulk50.journal.2.jsonl... when that exists; never
overwritten). A row whose PUT went out and failed (it may have been applied
all the same) is journaled with outcome "unknown", and is in the failures
file too. `sakari contacts restore --journal FILE` undoes the run.

Ctrl-C stops taking rows and lets the rows in flight finish; every row not
sent goes to the failures file ("not sent: interrupted"), and the exit status
is 130. A second Ctrl-C stops waiting: rows still in flight are written as
"interrupted while in flight" (they may or may not have been applied).

Progress goes to stderr: a bar on a terminal, else a line every 5 seconds
(SAKARI_PROGRESS=bar|lines|off, SAKARI_PROGRESS_INTERVAL=seconds). stdout
gets one JSON summary. Exit status: 0 every row updated or unchanged,
1 some row failed (or, with --dry-run, is invalid), 2 usage error,
130 interrupted.]]

local RESTORE_EPILOG = [[
For every contact in the journal (of bulk-update, or of an earlier restore),
puts back the contact as it was before that run: the "before" of the first
line of its id. Each contact is read first, and written (a PUT of the whole
contact) only when it differs: two requests a changed contact, one an
unchanged one. --dry-run shows what would change and writes nothing.

A restore is a bulk run of its own: the journal lines that fail go, with an
"error" field, to the failures file (default: the journal's name plus
.failed, bulk50.journal.jsonl -> bulk50.journal.failed.jsonl), which can be
fed back with --journal; what it writes goes to its own journal (default
bulk50.journal.restore.jsonl, never overwritten). To undo several runs,
restore their journals newest first.

Ctrl-C, progress and exit status are as for bulk-update.]]

local MAIN_EPILOG = [[
Credentials come from the environment only: SAKARI_ACCESS_TOKEN, or
SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET (never flags: a command line shows
in `ps` and in the shell's history). The settings above go before or after
the command: sakari --timeout 5 contacts get ACCOUNT ID. Every command's
ACCOUNT may be left out when --account-id or SAKARI_ACCOUNT_ID is set; one
given wins. With ACCOUNT and ID both optional in `contacts get [ACCOUNT] ID`,
a single value is the ID.
Results go to stdout as JSON (pipe them into jq); errors go to stderr.
Exit status: 0 success, 1 a call failed, 2 usage error, 130 interrupted.]]

local function positive_integer(name, minimum)
  return function(text)
    if not text:find("^%s*%d+%s*$") or tonumber(text) < minimum then
      return nil, ("%s: expected a whole number >= %d, got '%s'"):format(name, minimum, text)
    end
    return tonumber(text)
  end
end

local function build_parser()
  local argparse = require "argparse"
  local parser = argparse("sakari", "The Sakari SMS API from the shell.")
    :epilog(MAIN_EPILOG)
    :help_max_width(80)
    :command_target("group")
  custom_help(parser)
  -- argparse calls it with the deepest command it reached
  parser.error = usage_error
  parser:flag("--version", "Show the version and exit."):action(function()
    local runtime = (jit and jit.version) or _VERSION
    show(("sakari %s (lua-sakari, %s, %s)"):format(core.VERSION, runtime, tostring(core.curl_version)))
  end)
  setting_flags.add(parser)
  parser:usage("Usage: sakari [-h] [--version] [<settings>] <command> ...")

  local function command(parent, name, description, epilog)
    local cmd = custom_help(parent:command(name, description))
    return epilog and cmd:epilog(epilog) or cmd
  end
  -- An action runs `run` (parsed arguments -> what to print as JSON, or nil,
  -- and the exit status if not 0) and names the account first (optional:
  -- SAKARI_ACCOUNT_ID); with_id: the contact id as well. Both are optional to
  -- argparse, which gives a single value to the first: main moves it to the id (takes_id).
  local with_ids = {}
  local function action(parent, name, run, description, epilog, with_id)
    local cmd = command(parent, name, description, epilog)
    cmd:action(function(args) args.command, args.run, args.takes_id = cmd, run, with_id end)
    cmd:argument("account", "The account id (default: SAKARI_ACCOUNT_ID)."):args("?")
    if with_id then
      cmd:argument("id", "The contact id."):args("?")
      with_ids[#with_ids + 1] = cmd
    end
    return cmd
  end

  local contacts = command(parser, "contacts", "Read and change contacts."):command_target("action")
  action(contacts, "get", actions.get, "Print one contact as JSON.", nil, true)

  local create = action(contacts, "create", actions.create, "Create a contact and print it as JSON.",
    "Sakari merges by mobile number: when the account has a contact with that number already, "
      .. "no new one is made and --mergeStrategy says what happens to its fields "
      .. "(append, the default: set the fields given; core: only firstName, lastName and email; "
      .. "remove: replace every field).")
  field_options(create)
  create:option("--mergeStrategy", "What happens when the number exists already.")
    :choices { "append", "core", "remove" }

  local update = action(contacts, "update", actions.update, "Change a contact and print it as JSON.",
    "By default only the fields given change: the contact is read (GET), the fields merged in and the "
      .. "result written (PUT), two requests; an empty value (--email '') removes that field. With --replace "
      .. "the options given become the whole contact in one PUT, and every field not given (mobile, lists, "
      .. "tags, other attributes, opt-in state...) is cleared.", true)
  field_options(update)
  write_mode_options(update, "Send the options given as the whole contact: every other field is cleared.")

  action(contacts, "delete", actions.delete, "Delete a contact; prints {\"deleted\": true, \"id\": ...}.",
    nil, true)

  local list = action(contacts, "list", actions.list, "List contacts: one page, or with --all every page.",
    "--columns picks the columns of csv and table output: id, firstName, lastName, email, mobile "
      .. "(mobile.number), country (mobile.country), attributes.NAME, or any dotted path such as "
      .. "mobile.lineType. The default columns are those bulk-update reads, so "
      .. "`list --all --format csv` gives a file to edit and feed back.")
  list:flag("--all", "Every page, fetched lazily as the output is written.")
  list:option("--format", "Output format."):choices { "json", "csv", "table" }:default("json")
  list:option("--columns", "Columns for csv and table, separated by commas.")
  list:option("--limit", "Contacts in the page (with --all: per request).")
    :convert(positive_integer("--limit", 1))
  list:option("--offset", "Contacts to skip first."):convert(positive_integer("--offset", 0))
  list:option("--firstName", "Only first names containing this (case-insensitive).")
  list:option("--lastName", "Only last names containing this.")
  list:option("--email", "Only emails containing this.")
  list:option("--mobile", "Only mobile numbers containing this.")
  list:option("--tags", "Only contacts with these tags (comma-separated).")

  local bulk = action(contacts, "bulk-update", bulk_update.run, "Update many contacts from a CSV file.",
    BULK_EPILOG)
  bulk:option("--csv", "The CSV file (- for stdin)."):argname("<FILE>"):count(1)
  write_mode_options(bulk, "Each row is the whole contact: the fields it leaves out or empty are cleared.")
  run_options(bulk, "Where failed rows go (default: bulk50.csv -> bulk50.failed.csv, "
    .. "bulk50.failed.csv -> bulk50.failed.2.csv).",
    "--journal", "Where the rows written are journaled (a new file; default: next to the failures file).")

  local undo = action(contacts, "restore", restore.run, "Put contacts back as a journal says they were.",
    RESTORE_EPILOG)
  undo:option("--journal", "The journal of the run to undo."):argname("<FILE>"):count(1)
  run_options(undo, "Where failed lines go (default: the journal's name + .failed).",
    "--output-journal", "This restore's own journal (a new file; default: next to the failures file).")

  local messages = command(parser, "messages", "Send messages."):command_target("action")
  local send = action(messages, "send", actions.send, "Send an SMS and print Sakari's answer as JSON.",
    "A message costs money and cannot be recalled: it is never repeated automatically. "
      .. "{{firstName}} and the like in --text are filled in per contact by Sakari.")
  send:option("--to", "A recipient's mobile number (repeatable)."):argname("<NUMBER>"):count("*")
  send:option("--contact", "A recipient's contact id (repeatable)."):argname("<ID>"):count("*")
  send:option("--country", "Two-letter country of the --to numbers.")
  send:option("--text", "The message text."):count(1)

  -- "[<account>] [<id>]": the id is not optional
  for _, cmd in ipairs(with_ids) do cmd:usage((cmd:get_usage():gsub("%[<id>%]", "<id>"))) end
  return parser
end

-- ACCOUNT from --account-id or SAKARI_ACCOUNT_ID when left out; with one of
-- them, a lone positional of a command that takes an id is the id.
local function resolve_account(args)
  local default = args.account_id or settings.from_env("account_id", os.getenv)
  if args.takes_id and args.id == nil then
    if args.account == nil or default == nil then
      usage_error(args.command,
        "missing argument 'id': give ACCOUNT ID, or set SAKARI_ACCOUNT_ID and give ID alone")
    end
    args.id, args.account = args.account, nil
  end
  if args.account == nil then args.account = default end
  if args.account == nil then
    usage_error(args.command, "missing argument 'account' (or set SAKARI_ACCOUNT_ID)")
  end
end

-- Parses argv and runs the command: what to print as JSON (or nil), and the exit status if not 0.
local function run(argv)
  local args = build_parser():parse(argv)
  context.config = setting_flags.config(args)
  resolve_account(args)
  return args.run(args)
end

-- argv: the `arg` table of the script (argparse reads arg[1..n] only). Returns
-- the exit status.
function M.main(argv)
  local stdout, stderr = context.stdout, context.stderr
  local done, result, status = pcall(run, argv or {})
  if not done then core.watch_sigint(false) end -- a bulk run that raised may have left it on
  if done and result ~= nil then stdout:write(json_out.encode(result, ""), "\n") end
  stdout:flush()
  if done then return status or failure.EXIT_OK end
  local err = result
  if failure.is_failure(err) then
    local out = err.status == failure.EXIT_OK and stdout or stderr
    out:write(err.message, "\n")
    return err.status
  end
  if failure.is_interrupt(err) then
    stderr:write("sakari: interrupted\n")
    return failure.EXIT_INTERRUPTED
  end
  stderr:write("sakari: internal error: ", tostring(err), "\n")
  return failure.EXIT_FAILED
end

return M
