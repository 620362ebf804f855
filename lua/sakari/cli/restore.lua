-- contacts restore --journal FILE: puts back, for every contact in a journal,
-- the contact as it was before that run (the `before` of its first line: a
-- later line of the same id was made on top of it). A bulk run itself: rows
-- that already hold that state are not written, the others are PUT whole,
-- with their own journal (so a restore can be restored) and a failures file of
-- the journal lines that failed, with an "error" field, to feed back.
local bulk = require "sakari.cli.bulk"
local context = require "sakari.cli.context"
local diff = require "sakari.cli.diff"
local failure = require "sakari.cli.failure"
local interrupt = require "sakari.cli.interrupt"
local journal_file = require "sakari.cli.journal"
local json_out = require "sakari.cli.json_out"
local names = require "sakari.cli.names"
local progress_display = require "sakari.cli.progress"

local M = {}

local fail, usage_error = failure.fail, failure.usage_error

local function failures_file(path)
  local handle, err = io.open(path, "wb")
  if not handle then fail("sakari: cannot write the failures file: " .. tostring(err)) end
  local sink = {}
  function sink.write(item, reason)
    local out = {}
    for k, v in pairs(item.entry or { line = item.raw }) do out[k] = v end
    out.error = reason
    local ok, werr = handle:write(json_out.encode(out), "\n")
    if ok then ok, werr = handle:flush() end
    if not ok then fail("sakari: cannot write the failures file " .. path .. ": " .. tostring(werr)) end
  end
  function sink.close(wrote)
    handle:close()
    if not wrote then
      os.remove(path)
      return nil
    end
    return path
  end
  return sink
end

local function check(entry)
  if type(entry.id) ~= "string" or entry.id == "" then return "no id" end
  if type(entry.before) ~= "table" then return "no before (the contact as it was)" end
end

function M.run(args)
  local path, dry_run = args.journal, args.dry_run
  local failures_path = args.failures
  if not failures_path and not dry_run then failures_path = names.failures(path) end
  if failures_path and failures_path == path then usage_error("sakari: --failures must not be the journal itself") end
  local input, open_err = io.open(path, "rb")
  if not input then fail("sakari: cannot read the journal: " .. tostring(open_err)) end

  local mode = progress_display.mode(args.progress)
  local interval = tonumber(context.env("SAKARI_PROGRESS_INTERVAL") or "") or 5
  context.client()

  local journal
  if not dry_run then journal = journal_file.open(args.output_journal, names.journals(failures_path, "restore")) end
  local failures = failures_path and failures_file(failures_path)

  interrupt.start()
  local progress = progress_display.new(mode, nil, interval)
  local next_line = journal_file.entries(input)
  local seen, superseded = {}, 0
  local function next_item()
    while true do
      local line = next_line()
      if not line then return nil end
      local item = { line = line.line, raw = line.raw, entry = line.entry }
      local reason = line.problem or check(line.entry)
      if reason then
        item.invalid = reason
        return item
      end
      local entry = line.entry
      if not seen[entry.id] then
        seen[entry.id] = true
        item.id = entry.id
        item.want = function() return diff.writable(entry.before) end
        return item
      end
      superseded = superseded + 1
    end
  end

  local ok, counts, interrupted, crashed = pcall(bulk.run, {
    account = args.account, concurrency = args.concurrency, dry_run = dry_run, progress = progress,
    next_item = next_item, failures = failures, failures_path = failures_path, journal = journal,
  })
  input:close()
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
  if superseded > 0 then
    context.stderr:write(("sakari: %d later lines of contacts seen before: their first line's state is the one "
      .. "put back\n"):format(superseded))
  end
  return bulk.report(counts, dry_run, interrupted, crashed, files, "restored")
end

return M
