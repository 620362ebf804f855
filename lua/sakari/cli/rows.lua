-- Contact fields from CSV columns and command-line options, and their checks.
local core = require "sakari.core"
local failure = require "sakari.cli.failure"

local M = {}

local fail = failure.fail

-- Known columns, matched case-insensitively; every other column is an attribute.
M.KNOWN = {
  id = "id", firstname = "firstName", lastname = "lastName", email = "email",
  mobile = "mobile", country = "country",
}

-- Checks of one value; return a reason when it cannot be right.
local function check_email(v)
  if not v:find("^[^@%s]+@[^@%s]+$") then return ("email: %q is not an email address"):format(v) end
end

function M.check_mobile(v)
  local digits = v:gsub("[%s%-%.%(%)]", "")
  local count = #(digits:gsub("^%+", ""))
  if not digits:find("^%+?%d+$") or count < 7 or count > 15 then
    return ("mobile: %q is not a phone number (7 to 15 digits, an optional +)"):format(v)
  end
end

function M.check_country(v)
  if not v:find("^%a%a$") then return ("country: %q is not a two-letter country code"):format(v) end
end

-- fields: { firstName, lastName, email, mobile, country, attributes = {name = value} }
-- (flat, strings; "" means "not given") -> the contact table for the API, or nil, reason.
-- patch: the table is merged into the contact (read, merge, write); else it
-- replaces the contact (--replace), so a country needs its number.
-- clear: an empty value clears the field (sakari.null, for patch) instead of
-- being left out.
function M.contact_body(flat, patch, clear)
  local body, reasons = {}, {}
  local function given(v) return v ~= nil and v ~= "" end
  local function checked(v, check)
    local reason = check and check(v)
    if reason then reasons[#reasons + 1] = reason end
    return v
  end
  local function set(into, name, v, check)
    if given(v) then
      into[name] = checked(v, check)
    elseif v == "" and clear and patch then
      into[name] = core.null
    end
  end
  set(body, "firstName", flat.firstName)
  set(body, "lastName", flat.lastName)
  set(body, "email", flat.email, check_email)
  if given(flat.mobile) or given(flat.country) then
    body.mobile = {}
    if given(flat.mobile) then
      body.mobile.number = checked(flat.mobile, M.check_mobile)
    elseif not patch then
      reasons[#reasons + 1] = "country: needs mobile as well (with --replace the whole mobile is replaced)"
    end
    if given(flat.country) then body.mobile.country = checked(flat.country, M.check_country) end
  elseif clear and patch and flat.mobile == "" then
    body.mobile = core.null
  end
  if flat.attributes then
    local attributes = {}
    for name, v in pairs(flat.attributes) do set(attributes, name, v) end
    if next(attributes) ~= nil then body.attributes = attributes end
  end
  if #reasons > 0 then return nil, table.concat(reasons, "; ") end
  if next(body) == nil then
    return nil, patch and "nothing to set: every field is empty"
      or "nothing to set: every field is empty (an update would clear the contact)"
  end
  local ok, err = pcall(core.encode, body)
  if not ok then return nil, "cannot be sent: " .. failure.strip_position(err) end
  return body
end

-- The header of a bulk-update CSV -> a plan: what each column is. A column
-- named "error" is a failures file's error column: it must be the last one,
-- and in each row the last cell is the error, whatever the row's cell count,
-- so that a row written with its cells exactly as read reads back the same.
function M.plan_columns(header)
  local plan = { columns = {}, failures_header = {} }
  local seen = {} -- "id", "email", "attribute plan"... -> its column
  for i, name in ipairs(header) do
    if name == "" then fail(("sakari: the CSV header: column %d has no name"):format(i)) end
    local kind = M.KNOWN[name:lower()]
    if name:lower() == "error" then
      if i ~= #header then
        fail(("sakari: the CSV header: column %d is \"error\", which only a failures file has, as its last column")
          :format(i))
      end
      plan.has_error = true
    else
      local attr = not kind and (name:match("^attributes%.(.+)$") or name)
      local key = attr and ("attribute " .. attr) or kind
      if seen[key] then
        fail(("sakari: the CSV header: columns %d and %d are both %s"):format(seen[key], i, key))
      end
      seen[key] = i
      plan.columns[i] = { kind = kind or "attribute", attr = attr }
      plan.failures_header[i] = name
    end
  end
  if not seen.id then fail("sakari: the CSV header has no id column (the contact id of each row)") end
  plan.id, plan.width, plan.has_mobile = seen.id, #plan.columns, seen.mobile ~= nil
  plan.failures_header[plan.width + 1] = "error" -- the input's header, the error last
  return plan
end

-- A copy of a record's own cells: all of them, but the error cell of a
-- failures file (always the last) left out.
function M.data_cells(plan, record)
  local cells, data = record.cells, {}
  for i = 1, #cells - (plan.has_error and 1 or 0) do data[i] = cells[i] end
  return data
end

-- One record -> id, fields or nil, reason. The fields are what the row sets
-- (patch) or the whole contact (replace).
function M.row_body(plan, record, patch)
  if record.problem then return nil, record.problem end
  local cells = M.data_cells(plan, record)
  if #cells ~= plan.width then
    local extra = {}
    for i = plan.width + 1, #cells do extra[#extra + 1] = ("%q"):format(cells[i]) end
    return nil, ("has %d cell%s, the header has %d%s"):format(#cells, #cells == 1 and "" or "s", plan.width,
      #extra > 0 and (" (the cells past the header: " .. table.concat(extra, ", ") .. ")") or "")
  end
  local id = cells[plan.id]
  if id == "" then return nil, "id is empty" end
  local flat = { attributes = {} } -- (contact_body takes no id)
  for i, col in ipairs(plan.columns) do
    if col.attr then flat.attributes[col.attr] = cells[i] else flat[col.kind] = cells[i] end
  end
  local body, reason = M.contact_body(flat, patch, false)
  if not body then return nil, reason end
  return id, body
end

return M
