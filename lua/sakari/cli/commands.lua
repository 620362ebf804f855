-- The commands that make single calls: contacts get | create | update |
-- delete | list, and messages send. Each takes the parsed arguments and
-- returns what main prints as JSON (list prints its own output).
local core = require "sakari.core"
local csv = require "sakari.csv"
local csv_stream = require "sakari.cli.csv_stream"
local context = require "sakari.cli.context"
local failure = require "sakari.cli.failure"
local json_out = require "sakari.cli.json_out"
local rows = require "sakari.cli.rows"

local M = {}

local fail, usage_error, guarded = failure.fail, failure.usage_error, failure.guarded

-- One call of a fresh client, client[group][name](...): its value, or a failure.
local function call(group, name, ...)
  return guarded(context.client()[group][name], ...)
end

-- The field options -> the contact body (rows.contact_body over args itself,
-- its --attribute pairs as attributes), or a usage error.
local function contact_body(args, patch, clear)
  args.attributes = {}
  for _, pair in ipairs(args.attribute or {}) do
    local name, value = pair:match("^([^=]+)=(.*)$")
    if not name then usage_error(("sakari: --attribute %q: expected NAME=VALUE"):format(pair)) end
    args.attributes[name] = value
  end
  local body, reason = rows.contact_body(args, patch, clear)
  if not body then usage_error("sakari: " .. reason) end
  return body
end

function M.get(args) return call("contacts", "get", args.account, args.id) end

function M.delete(args)
  call("contacts", "delete", args.account, args.id)
  return { id = args.id, deleted = true }
end

function M.create(args)
  if not args.mobile or args.mobile == "" then
    usage_error("sakari: --mobile is required: Sakari knows contacts by their mobile number")
  end
  return call("contacts", "create", args.account, contact_body(args, false, false),
    { mergeStrategy = args.mergeStrategy })
end

function M.update(args)
  -- patch (read, merge, write) unless --replace: never clear a field not named
  local patch = not args.replace
  local body = contact_body(args, patch, true)
  return call("contacts", patch and "patch" or "update", args.account, args.id, body)
end

local DEFAULT_COLUMNS = { "id", "firstName", "lastName", "email", "mobile", "country" }
local MOBILE_PATHS = { mobile = "mobile.number", country = "mobile.country" } -- known columns in mobile

-- A contact's cell in a column: the known names as in the CSV of bulk-update
-- (mobile is mobile.number), attributes.X, or any dotted path; an object or
-- array as JSON.
local function cell_text(contact, name)
  local known = rows.KNOWN[name:lower()]
  local path = MOBILE_PATHS[known] or known or name
  local v = contact
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" then return "" end
    v = v[part]
  end
  if v == nil or v == core.null then return "" end
  if type(v) == "table" then return json_out.encode(v) end
  return csv.cell_text(v)
end

local function columns_option(text)
  if not text then return DEFAULT_COLUMNS end
  local columns = {}
  for name in text:gmatch("[^,]+") do
    name = name:gsub("^%s+", ""):gsub("%s+$", "")
    if name ~= "" then columns[#columns + 1] = name end
  end
  if #columns == 0 then usage_error("sakari: --columns: expected column names separated by commas") end
  return columns
end

-- Display width: UTF-8 characters, not bytes.
local function width(s)
  local _, n = s:gsub("[^\128-\191]", "")
  return n
end

-- The rows under the column names and a rule, each column as wide as its widest cell.
local function print_table(columns, table_rows)
  table.insert(table_rows, 1, columns)
  local widths = {}
  for _, row in ipairs(table_rows) do
    for i, cell in ipairs(row) do widths[i] = math.max(widths[i] or 0, width(cell)) end
  end
  local rules = {}
  for i, w in ipairs(widths) do rules[i] = ("-"):rep(w) end
  table.insert(table_rows, 2, rules)
  for _, cells in ipairs(table_rows) do
    local parts = {}
    for i, cell in ipairs(cells) do
      parts[i] = i == #cells and cell or cell .. (" "):rep(widths[i] - width(cell))
    end
    context.stdout:write((table.concat(parts, "  "):gsub("%s+$", "")), "\n")
  end
end

function M.list(args)
  local columns = columns_option(args.columns)
  local opts = {
    firstName = args.firstName, lastName = args.lastName, email = args.email, mobile = args.mobile,
    tags = args.tags, offset = args.offset,
    limit = args.limit or 100, -- one page of --limit contacts; with --all, pages of --limit
  }
  local client = context.client()
  local out = context.stdout

  local format = args.format
  local emitted, table_rows = 0, {}
  local function emit(contact)
    emitted = emitted + 1
    if format == "json" then
      out:write(emitted == 1 and "[\n  " or ",\n  ", json_out.encode(contact, "  "))
    else
      local cells = {}
      for i, name in ipairs(columns) do
        cells[i] = cell_text(contact, name)
        if format == "table" then cells[i] = cells[i]:gsub("[%z\1-\31\127]", " ") end
      end
      if format == "csv" then out:write(csv_stream.line(cells)) else table_rows[#table_rows + 1] = cells end
    end
  end
  if format == "csv" then out:write(csv_stream.line(columns)) end

  local page
  local ok, err = pcall(function()
    if args.all then
      for contact in guarded(client.contacts.each, args.account, opts) do emit(contact) end
    else
      local items
      items, page = guarded(client.contacts.list, args.account, opts)
      for _, contact in ipairs(items) do emit(contact) end
    end
  end)
  if not ok then
    if format == "json" and emitted > 0 then out:write("\n") end -- ends the last line written
    if failure.is_failure(err) or type(err) == "string" then error(err, 0) end
    fail(tostring(err))
  end

  if format == "json" then
    out:write(emitted == 0 and "[]\n" or "\n]\n")
  elseif format == "table" then
    print_table(columns, table_rows)
  end
  if page and page.hasNext == true then
    local offset = (tonumber(opts.offset) or 0) + emitted
    local of = type(page.totalCount) == "number" and (" of %d"):format(page.totalCount) or ""
    context.stderr:write(("sakari: %d contacts%s shown; more with --offset %d, or --all\n")
      :format(emitted, of, offset))
  end
end

function M.send(args)
  local recipients = {}
  for _, number in ipairs(args.to or {}) do
    local reason = rows.check_mobile(number)
    if reason then usage_error("sakari: --to " .. reason:gsub("^mobile: ", "")) end
    recipients[#recipients + 1] = { mobile = { number = number, country = args.country } }
  end
  for _, id in ipairs(args.contact or {}) do recipients[#recipients + 1] = { id = id } end
  if #recipients == 0 then usage_error("sakari: give at least one recipient: --to NUMBER or --contact ID") end
  local bad_country = args.country and rows.check_country(args.country)
  if bad_country then usage_error("sakari: --" .. bad_country) end
  return call("messages", "send", args.account, { contacts = recipients, template = args.text })
end

return M
