-- The `sakari` command: data fixes from the shell.
--
--   sakari contacts get|update|delete ACCOUNT ID [field options]
--   sakari contacts create ACCOUNT --mobile N [field options]
--   sakari contacts list ACCOUNT [--all] [--format json|csv|table] [filters]
--   sakari contacts bulk-update ACCOUNT --csv FILE [--patch] [--dry-run] ...
--   sakari messages send ACCOUNT --to +1... --text ...
--
-- `main(argv)` parses the arguments (lua-argparse), runs one command and
-- returns the exit status: 0 success, 1 a call or a row failed, 2 a usage
-- error, 130 interrupted. bin/sakari is `os.exit(require("sakari.cli").main(arg))`.
-- Results go to stdout as JSON (or CSV / a table for `list`); errors, progress
-- and summaries go to stderr. Credentials come from the environment only
-- (SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID + SAKARI_CLIENT_SECRET; SAKARI_API_URL).
-- The commands live in lua/sakari/cli/.
--
-- The same source runs on Lua 5.4 and LuaJIT: no integer division, no goto,
-- no utf8 library.
local core = require "sakari.core"
local bulk_update = require "sakari.cli.bulk_update"
local actions = require "sakari.cli.commands"
local context = require "sakari.cli.context"
local failure = require "sakari.cli.failure"
local interrupt = require "sakari.cli.interrupt"
local json_out = require "sakari.cli.json_out"
local rows = require "sakari.cli.rows"

local M = {}

M.EXIT_OK, M.EXIT_FAILED, M.EXIT_USAGE = failure.EXIT_OK, failure.EXIT_FAILED, failure.EXIT_USAGE
M.EXIT_INTERRUPTED = failure.EXIT_INTERRUPTED

-- Where output goes; specs may replace these (main hands them to sakari.cli.context).
M.stdout, M.stderr = io.stdout, io.stderr
M.getenv = os.getenv

-- What the module offered besides main before it was split, kept for callers.
M.json = json_out.encode
M.contact_body = rows.contact_body

local HELP = {}   -- sentinel: a help flag was given
local help_for    -- the parser whose help was asked for

local function custom_help(parser)
  parser:add_help {
    action = function()
      help_for = parser
      error(HELP, 0)
    end,
  }
  return parser
end

local function field_options(cmd, patchable)
  cmd:option("--firstName", "First name.")
  cmd:option("--lastName", "Last name.")
  cmd:option("--email", "Email address.")
  cmd:option("--mobile", "Mobile number (mobile.number), such as +15555550123.")
  cmd:option("--country", "Two-letter country of the mobile number (mobile.country).")
  cmd:option("--attribute", "A custom attribute, NAME=VALUE (repeatable).")
    :argname("<NAME=VALUE>"):count("*")
  if patchable then
    cmd:flag("--patch", "Change only the fields given (GET, merge, PUT) and keep the rest. "
      .. "An empty value (--email '') then removes that field.")
  end
end

local BULK_EPILOG = [[
The CSV (RFC 4180, UTF-8, comma-separated, first line the header) names the
fields in its header:
  id                        the contact id (required)
  firstName, lastName, email
  mobile                    mobile.number
  country                   mobile.country (two letters)
  attributes.NAME or NAME   any other column is the custom attribute NAME
  error                     ignored, so a failures file can be fed back as is
Known names match case-insensitively.

Each row becomes one update: without --patch a PUT that replaces the whole
contact (fields not in the row are cleared, lists and tags included); with
--patch a GET and a PUT that change only the row's fields. An empty cell is
left out of the update: with --patch the field keeps its value, without it
the field is cleared. A row that cannot be right (no id, a malformed email,
mobile or country, the wrong number of cells, nothing to set) is not sent.

Rows that fail are written, as they fail, to the failures file in the input's
columns plus "error"; feeding that file back with --csv retries exactly them.
The file is removed when no row failed. Rows with the same id may run in any
order.

Ctrl-C stops taking rows and lets the rows in flight finish; every row not
sent goes to the failures file ("not sent: interrupted"), and the exit status
is 130. A second Ctrl-C stops waiting: rows still in flight are written as
"interrupted while in flight" (they may or may not have been applied).

Progress goes to stderr: a bar on a terminal, else a line every 5 seconds
(SAKARI_PROGRESS=bar|lines|off, SAKARI_PROGRESS_INTERVAL=seconds). stdout
gets one JSON summary. Exit status: 0 every row updated (or valid, with
--dry-run), 1 some row failed, 2 usage error, 130 interrupted.]]

local MAIN_EPILOG = [[
Credentials come from the environment: SAKARI_ACCESS_TOKEN, or
SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET; SAKARI_API_URL points at another
server than https://api.sakari.io. Results go to stdout as JSON (pipe them
into jq); errors go to stderr. Exit status: 0 success, 1 a call failed,
2 usage error, 130 interrupted.]]

local function positive_integer(name, minimum)
  return function(text)
    local n = tonumber(text)
    if not n or n ~= math.floor(n) or n < minimum or not text:find("^%s*%d+%s*$") then
      return nil, ("%s: expected a whole number >= %d, got '%s'"):format(name, minimum, text)
    end
    return math.floor(n)
  end
end

local function build_parser()
  local argparse = require "argparse"
  local parser = argparse("sakari", "The Sakari SMS API from the shell.")
    :epilog(MAIN_EPILOG)
    :help_max_width(80)
    :command_target("group")
  custom_help(parser)
  parser:flag("--version", "Show the version and exit."):action(function()
    help_for = "version"
    error(HELP, 0)
  end)

  local commands = { [parser] = {} }
  local function command(parent, name, description, epilog)
    local cmd = parent:command(name, description)
    if epilog then cmd:epilog(epilog) end
    custom_help(cmd)
    commands[parent][name] = cmd
    commands[cmd] = {}
    return cmd
  end
  -- An action names the account first; with_id: the contact id as well.
  local function action(parent, name, description, epilog, with_id)
    local cmd = command(parent, name, description, epilog)
    cmd:argument("account", "The account id.")
    if with_id then cmd:argument("id", "The contact id.") end
    return cmd
  end

  local contacts = command(parser, "contacts", "Read and change contacts."):command_target("action")
  action(contacts, "get", "Print one contact as JSON.", nil, true)

  local create = action(contacts, "create", "Create a contact and print it as JSON.",
    "Sakari merges by mobile number: when the account has a contact with that number already, "
      .. "no new one is made and --mergeStrategy says what happens to its fields "
      .. "(append, the default: set the fields given; core: only firstName, lastName and email; "
      .. "remove: replace every field).")
  field_options(create, false)
  create:option("--mergeStrategy", "What happens when the number exists already.")
    :choices { "append", "core", "remove" }

  local update = action(contacts, "update", "Change a contact and print it as JSON.",
    "Without --patch this is Sakari's PUT: the options given become the whole contact, and every field "
      .. "not given (mobile, lists, tags, other attributes, opt-in state...) is cleared. With --patch only "
      .. "the options given change.", true)
  field_options(update, true)

  action(contacts, "delete", "Delete a contact; prints {\"deleted\": true, \"id\": ...}.", nil, true)

  local list = action(contacts, "list", "List contacts: one page, or with --all every page.",
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

  local bulk = action(contacts, "bulk-update", "Update many contacts from a CSV file.", BULK_EPILOG)
  bulk:option("--csv", "The CSV file (- for stdin)."):argname("<FILE>"):count(1)
  bulk:option("--concurrency", "Rows in flight at once."):argname("<N>"):default("8")
    :convert(positive_integer("--concurrency", 1))
  bulk:flag("--patch", "Change only the row's fields (GET, merge, PUT) instead of replacing the contact.")
  bulk:flag("--dry-run", "Check every row and send nothing.")
  bulk:option("--failures", "Where failed rows go (default: the CSV's name + .failed.csv).")
    :argname("<FILE>")
  bulk:option("--progress", "Progress on stderr (auto: a bar on a terminal, else lines).")
    :choices { "auto", "bar", "lines", "off" }

  local messages = command(parser, "messages", "Send messages."):command_target("action")
  local send = action(messages, "send", "Send an SMS and print Sakari's answer as JSON.",
    "A message costs money and cannot be recalled: it is never repeated automatically. "
      .. "{{firstName}} and the like in --text are filled in per contact by Sakari.")
  send:option("--to", "A recipient's mobile number (repeatable)."):argname("<NUMBER>"):count("*")
  send:option("--contact", "A recipient's contact id (repeatable)."):argname("<ID>"):count("*")
  send:option("--country", "Two-letter country of the --to numbers.")
  send:option("--text", "The message text."):count(1)

  return parser, commands
end

-- The deepest command named in argv, for a usage message.
local function command_of(parser, commands, argv)
  local current = parser
  for _, a in ipairs(argv) do
    if a == "--" then break end
    local sub = commands[current] and commands[current][a]
    if sub then current = sub end
  end
  return current
end

local RUN = {
  contacts = {
    get = actions.contacts_get, create = actions.contacts_create, update = actions.contacts_update,
    delete = actions.contacts_delete, list = actions.contacts_list, ["bulk-update"] = bulk_update.run,
  },
  messages = { send = actions.messages_send },
}

local function version_text()
  local runtime = (jit and jit.version) or _VERSION
  return ("sakari %s (lua-sakari, %s, %s)"):format(core.VERSION, runtime, tostring(core.curl_version))
end

-- argv: the `arg` table of the script (arg[1..n]). Returns the exit status.
function M.main(argv)
  argv = argv or {}
  context.stdout, context.stderr, context.getenv = M.stdout, M.stderr, M.getenv
  local list = {}
  for i = 1, #argv do list[i] = argv[i] end

  local parser, commands = build_parser()
  help_for = nil
  local ok, parsed, args = pcall(parser.pparse, parser, list)
  if not ok then
    if help_for == "version" then
      M.stdout:write(version_text(), "\n")
      return M.EXIT_OK
    elseif help_for then
      M.stdout:write(help_for:get_help(), "\n")
      return M.EXIT_OK
    end
    error(parsed, 0)
  end
  if not parsed then
    local cmd = command_of(parser, commands, list)
    M.stderr:write(cmd:get_usage(), "\n\nError: ", tostring(args), "\n")
    return M.EXIT_USAGE
  end

  local run = RUN[args.group] and RUN[args.group][args.action]
  if not run then
    M.stderr:write(parser:get_usage(), "\n\nError: unknown command\n")
    return M.EXIT_USAGE
  end

  local done, status = pcall(run, args)
  if done then
    M.stdout:flush()
    return status
  end
  interrupt.stop()
  M.stdout:flush()
  local err = status
  if failure.is_failure(err) then
    M.stderr:write(err.message, "\n")
    return err.status
  end
  if interrupt.is_error(err) then
    M.stderr:write("sakari: interrupted\n")
    return M.EXIT_INTERRUPTED
  end
  M.stderr:write("sakari: internal error: ", tostring(err), "\n")
  return M.EXIT_FAILED
end

return M
