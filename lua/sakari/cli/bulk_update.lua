-- contacts bulk-update: one row of a CSV file a contact, run by sakari.cli.bulk.
-- The failures file holds each failed row's cells exactly as read (their
-- count too) and an error cell after them, under the input's header plus
-- "error" as the last column.
local bulk = require "sakari.cli.bulk"
local context = require "sakari.cli.context"
local csv_stream = require "sakari.cli.csv_stream"
local diff = require "sakari.cli.diff"
local failure = require "sakari.cli.failure"
local interrupt = require "sakari.cli.interrupt"
local journal_file = require "sakari.cli.journal"
local names = require "sakari.cli.names"
local patch = require "sakari.patch"
local progress_display = require "sakari.cli.progress"
local rows = require "sakari.cli.rows"

local M = {}

local fail, usage_error = failure.fail, failure.usage_error

-- Rows in the file, for the ETA (a second pass that keeps nothing), or nil.
local function count_rows(path)
  local counter = io.open(path, "rb")
  if not counter then return nil end
  local count_next = csv_stream.records(counter)
  local total = -1
  while count_next() do total = total + 1 end
  counter:close()
  if total < 0 then total = 0 end
  return total
end

local function same_file(a, b)
  return a:gsub("^%./", "") == b:gsub("^%./", "")
end

-- The failures file: created at once (so an old one never lingers), each row
-- flushed as it is written, removed at the end if no row failed. A record the
-- input ends inside of (an unterminated quote) has no cells to write: its
-- bytes are copied as they were, last, so that it is refused again until fixed.
local function failures_file(path, plan)
  local handle, err = io.open(path, "wb")
  if not handle then fail("sakari: cannot write the failures file: " .. tostring(err)) end
  local function append(text)
    local ok, werr = handle:write(text)
    if ok then ok, werr = handle:flush() end
    if not ok then fail("sakari: cannot write the failures file " .. path .. ": " .. tostring(werr)) end
  end
  local header = {}
  for i, name in ipairs(plan.out_header) do header[i] = name end
  header[#header + 1] = "error"
  append(csv_stream.line(header))
  local unterminated
  local sink = {}
  function sink.write(item, reason)
    local record = item.record
    if record.raw then
      unterminated = record.raw
      return
    end
    local cells = {}
    for i, cell in ipairs(rows.data_cells(plan, record)) do cells[i] = cell end
    cells[#cells + 1] = reason
    append(csv_stream.line(cells))
  end
  function sink.close(wrote)
    if unterminated then append(unterminated) end
    handle:close()
    if not wrote then
      os.remove(path)
      return nil
    end
    return path
  end
  return sink
end

function M.run(args)
  local path, dry_run = args.csv, args.dry_run
  local replace = args.replace
  -- a dry run writes no file unless asked to
  local failures_path = args.failures
  if not failures_path and not dry_run and path ~= "-" then failures_path = names.failures(path) end
  if path == "-" and not failures_path and not dry_run then
    usage_error("sakari: --failures FILE is needed when the CSV comes from stdin (--csv -)")
  end
  if failures_path and same_file(failures_path, path) then
    usage_error("sakari: --failures must not be the input file itself")
  end
  if dry_run and args.journal then usage_error("sakari: --dry-run writes nothing: no --journal") end

  local input, open_err
  if path == "-" then input = io.stdin else input, open_err = io.open(path, "rb") end
  if not input then fail("sakari: cannot read the CSV: " .. tostring(open_err)) end
  local next_record = csv_stream.records(input)
  local header_record = next_record()
  if not header_record then fail("sakari: " .. path .. " is empty: the first line must be the header") end
  if header_record.problem then fail("sakari: the CSV header: " .. header_record.problem) end
  local plan = rows.plan_columns(header_record.cells)

  local mode = progress_display.mode(args.progress)
  local interval = tonumber(context.env("SAKARI_PROGRESS_INTERVAL") or "") or 5
  context.client() -- no credentials: say so before any file is made

  local journal
  if not dry_run then journal = journal_file.open(args.journal, names.journals(failures_path, "journal")) end
  local failures = failures_path and failures_file(failures_path, plan)

  interrupt.start()
  local total
  if mode ~= "off" and path ~= "-" then total = count_rows(path) end
  local progress = progress_display.new(mode, total, interval)
  if replace and not plan.has_mobile then
    progress.message("sakari: warning: no mobile column and --replace: each row replaces its contact, "
      .. "which then has no mobile number")
  end

  local function next_item()
    local record = next_record()
    if not record then return nil end
    local item = { record = record, line = record.line }
    local id, fields = rows.row_body(plan, record, not replace)
    if not id then
      item.invalid = fields
      return item
    end
    item.id, item.named = id, diff.named(fields)
    if replace then
      item.want = function() return fields end
    else
      item.want = function(before) return patch.body("contact", before, fields) end
    end
    return item
  end

  local ok, counts, interrupted, crashed = pcall(bulk.run, {
    account = args.account, concurrency = args.concurrency, dry_run = dry_run, progress = progress,
    next_item = next_item, failures = failures, failures_path = failures_path, journal = journal,
  })
  if input ~= io.stdin then input:close() end
  -- watched until here: a Ctrl-C while the files are closed must not cut them short
  interrupt.stop()
  local files = {}
  if journal then files.journal = journal.close() end
  if not ok then
    if failures then failures.close(true) end
    error(counts, 0)
  end
  if failures then
    files.failures = failures.close(counts.failed + counts.not_done + (dry_run and counts.invalid or 0) > 0)
  end
  return bulk.report(counts, dry_run, interrupted, crashed, files, "updated")
end

return M
