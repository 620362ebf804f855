-- contacts bulk-update: one row of a CSV file a contact, run by sakari.cli.bulk.
local bulk = require "sakari.cli.bulk"
local csv_stream = require "sakari.cli.csv_stream"
local diff = require "sakari.cli.diff"
local failure = require "sakari.cli.failure"
local patch = require "sakari.patch"
local rows = require "sakari.cli.rows"

local M = {}

-- Rows in the file, for the ETA (a second pass that keeps nothing), or nil.
local function count_rows(path)
  local counter = io.open(path, "rb")
  if not counter then return nil end
  local count_next = csv_stream.records(counter)
  local total = -1
  while count_next() do total = total + 1 end
  counter:close()
  return math.max(total, 0)
end

-- The failures file: the input's header plus "error" as the last column, then
-- each failed row's cells exactly as read (their count too) and its error. A
-- record the input ends inside of (an unterminated quote) has no cells to
-- write: its bytes are copied as they were, last, so that it is refused again
-- until fixed.
local function failures_writer(plan, file)
  file.append(csv_stream.line(plan.failures_header))
  local unterminated
  return {
    write = function(item, reason)
      local record = item.record
      if record.raw then
        unterminated = record.raw
        return
      end
      local cells = rows.data_cells(plan, record)
      cells[#cells + 1] = reason
      file.append(csv_stream.line(cells))
    end,
    close = function(wrote)
      if unterminated then file.append(unterminated) end
      return file.close(wrote)
    end,
  }
end

local KIND = { input = "csv", noun = "the CSV", itself = "the input file", journal_option = "journal",
               journal_kind = "journal", verb = "updated" }

function M.run(args)
  local path, replace = args.csv, args.replace
  return bulk.execute(args, KIND, function(input)
    local next_record = csv_stream.records(input)
    local header_record = next_record()
    if not header_record then
      failure.fail("sakari: " .. path .. " is empty: the first line must be the header")
    end
    if header_record.problem then failure.fail("sakari: the CSV header: " .. header_record.problem) end
    local plan = rows.plan_columns(header_record.cells)

    local function next_item()
      local record = next_record()
      if not record then return nil end
      local id, fields = rows.row_body(plan, record, not replace)
      if not id then return { record = record, line = record.line, invalid = fields } end
      return { record = record, line = record.line, id = id, named = diff.named(fields),
               want = function(before)
                 return replace and fields or patch.body("ContactRequest", before, fields)
               end }
    end

    return {
      next_item = next_item, failures = function(file) return failures_writer(plan, file) end,
      count = path ~= "-" and function() return count_rows(path) end or nil,
      warning = replace and not plan.has_mobile and ("sakari: warning: no mobile column and --replace: each row "
        .. "replaces its contact, which then has no mobile number") or nil,
    }
  end)
end

return M
