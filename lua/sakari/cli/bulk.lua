-- The run every bulk command shares (bulk-update, restore): each row reads its
-- contact, works out the body to PUT, skips the write when nothing would
-- change, and otherwise writes and journals it, through one client queue.
-- Rows that fail go to the failures file as they fail; rows with the same id
-- run one after the other, in file order.
-- Ctrl-C: while a run goes, core.watch_sigint(true) turns SIGINT into a flag
-- (core.interrupted()) that the loop polls between steps: the first Ctrl-C
-- stops taking rows, the second stops waiting for the rows in flight.
local core = require "sakari.core"
local context = require "sakari.cli.context"
local diff = require "sakari.cli.diff"
local failure = require "sakari.cli.failure"
local files = require "sakari.cli.files"
local json_out = require "sakari.cli.json_out"
local progress_display = require "sakari.cli.progress"
local settings = require "sakari.settings"
local util = require "sakari.util"

local M = {}

local fail, usage_error = failure.fail, failure.usage_error

local NOT_SENT_INTERRUPTED = "not sent: interrupted (Ctrl-C) before this row was sent"
local IN_FLIGHT_INTERRUPTED = "interrupted while in flight: it may or may not have been applied"
local SHOWN_FAILURES = 5

-- Rows that make the run fail: a dry run checks, so an invalid row counts there.
local function bad_rows(counts, dry_run)
  return counts.failed + counts.not_done + (dry_run and counts.invalid or 0)
end

-- Whether a failed PUT may have been applied all the same: whenever it went
-- out. Its last answer may say no (a 4xx, a 429), but an earlier attempt of it
-- may have been applied and its answer lost, and libcurl silently sends a
-- request again on a fresh connection when a reused one closes without an
-- answer. Only an error raised before any request (no method: a bad argument)
-- sent nothing.
local function maybe_applied(err)
  return type(err) ~= "table" or err.method ~= nil
end

-- The rows of one run: opts as M.execute makes them. Returns the counts and
-- whether the run was interrupted or crashed.
function M.run(opts)
  local account, concurrency, dry_run = opts.account, opts.concurrency, opts.dry_run
  local progress, failures, journal, client = opts.progress, opts.failures, opts.journal, opts.client

  local counts = { rows = 0, updated = 0, unchanged = 0, changing = 0, failed = 0, invalid = 0, not_done = 0,
                   fields = {} }

  local function record_failure(item, reason, counter)
    counts[counter] = counts[counter] + 1
    if failures then failures.write(item, reason) end
    if counter == "invalid" then
      progress.message(("sakari: line %d: %s"):format(item.line, reason))
    elseif counter == "failed" then
      if counts.failed <= SHOWN_FAILURES then
        progress.message(("sakari: line %d: %s"):format(item.line, (reason:gsub("^sakari: ", ""))))
      elseif counts.failed == SHOWN_FAILURES + 1 and opts.failures_path then
        progress.message("sakari: more rows failed: see " .. opts.failures_path)
      end
    end
  end

  -- (only a row sent is journaled, and a dry run, which has no journal, sends none)
  local function journal_entry(item, outcome, err)
    local entry = { id = item.id, outcome = outcome, before = item.before, sent = item.sent,
                    after = item.after or core.null, error = err and tostring(err) or nil }
    journal.append(json_out.encode(entry) .. "\n")
  end

  -- The work of one row, run inside the queue: GET, compare, PUT.
  local function job(item)
    return function()
      local before, err = client.contacts.get(account, item.id)
      if before == nil then return nil, err end
      if type(before) ~= "table" then return nil, "the contact read back has no data" end
      item.before = before
      local sent = item.want(before)
      item.changes = diff.changes(before, sent)
      if #item.changes == 0 or dry_run then return true end
      item.sent = sent
      item.after, err = client.contacts.update(account, item.id, sent)
      if item.after == nil then return nil, err end
      return true
    end
  end

  local q = client.queue { concurrency = concurrency }
  local in_flight, in_flight_count = {}, 0
  local held = {} -- id -> the rows waiting for it, while a row of it is in flight
  local exhausted, stopping, aborted = false, false, false

  -- Sends a row; false when the queue refused it (then written as failed).
  local function push(item)
    local pushed, qid = pcall(q.push, job(item))
    if not pushed then
      if failure.is_interrupt(qid) then error(qid, 0) end
      record_failure(item, "not sent: " .. failure.strip_position(qid), "failed")
      return false
    end
    in_flight[qid] = item
    in_flight_count = in_flight_count + 1
    held[item.id] = held[item.id] or {}
    return true
  end

  -- A row of this id finished: the next one waiting for it goes, else the id is free.
  local function release(id)
    local waiting = held[id]
    while #waiting > 0 do
      local item = table.remove(waiting, 1)
      if stopping then
        record_failure(item, NOT_SENT_INTERRUPTED, "not_done")
      elseif push(item) then
        return
      end
    end
    held[id] = nil
  end

  local function finished(qid, value, err)
    local item = in_flight[qid]
    if not item then return end
    -- the row is written (failures file or journal) before it leaves
    -- in_flight: an abort in between may write it twice, never lose it
    if value == nil and failure.is_interrupt(err and err.message) then
      -- LuaJIT runs the interpreter's SIGINT hook in whichever coroutine is
      -- running: here it stopped this call, which may have been sent
      if item.sent then journal_entry(item, "unknown", IN_FLIGHT_INTERRUPTED) end
      record_failure(item, IN_FLIGHT_INTERRUPTED, "not_done")
      stopping, aborted = true, true
    elseif value == nil then
      if item.sent and maybe_applied(err) then journal_entry(item, "unknown", err) end
      record_failure(item, tostring(err), "failed")
    else
      local counter = #item.changes == 0 and "unchanged" or dry_run and "changing" or "updated"
      if counter == "updated" then journal_entry(item, "applied") end
      counts[counter] = counts[counter] + 1
      for _, c in ipairs(item.changes) do counts.fields[c.path] = (counts.fields[c.path] or 0) + 1 end
      if dry_run then progress.message(diff.describe(item.id, item.changes, item.named)) end
    end
    in_flight[qid] = nil
    in_flight_count = in_flight_count - 1
    release(item.id)
  end

  -- rows done, and failed, for the progress display
  local function tally()
    local failed = counts.failed + counts.invalid
    return counts.updated + counts.unchanged + counts.changing + failed, failed
  end

  local function on_interrupt()
    if stopping then
      aborted = true
      return
    end
    stopping = true
    -- a fresh flag, so that the next Ctrl-C can be told apart
    core.watch_sigint(false)
    core.watch_sigint(true)
    progress.message(in_flight_count == 0 and "sakari: interrupted"
      or ("sakari: interrupted: letting %d rows in flight finish (Ctrl-C again to stop waiting)")
        :format(in_flight_count))
  end

  local ok, loop_err = pcall(function()
    while true do
      while not stopping and not exhausted and in_flight_count < concurrency do
        if core.interrupted() then
          on_interrupt()
          break
        end
        local item = opts.next_item()
        if not item then
          exhausted = true
          break
        end
        counts.rows = counts.rows + 1
        if item.invalid then
          record_failure(item, dry_run and item.invalid or ("not sent: " .. item.invalid),
            dry_run and "invalid" or "failed")
        elseif held[item.id] then
          table.insert(held[item.id], item)
        else
          push(item)
        end
        progress.update(tally())
      end
      if in_flight_count == 0 and (exhausted or stopping) then break end
      -- (rows are in flight here: the loop above took rows until it filled the queue or stopped)
      for _, r in ipairs(q.poll(0.1)) do finished(r.id, r.value, r.err) end
      if core.interrupted() then on_interrupt() end
      if aborted then break end
      progress.update(tally())
    end
  end)

  local not_sent, in_flight_reason, crashed = NOT_SENT_INTERRUPTED, IN_FLIGHT_INTERRUPTED, false
  if not ok then
    if failure.is_failure(loop_err) then
      q.close()
      error(loop_err, 0)
    end
    -- the interpreter's own SIGINT handling, or a bug: either way no row may go missing
    if not failure.is_interrupt(loop_err) then
      crashed = true
      progress.message("sakari: the run stopped on an error: " .. failure.strip_position(loop_err))
      not_sent = "not sent: the run stopped on an error"
      in_flight_reason = "the run stopped on an error while this row was in flight: "
        .. "it may or may not have been applied"
    end
    stopping, aborted = true, true
  end

  if aborted then
    -- rows in flight: their answers will not be read
    if in_flight_count > 0 then
      progress.message(("sakari: stopped waiting for %d rows in flight: written to the failures file")
        :format(in_flight_count))
    end
    local qids = {}
    for qid in pairs(in_flight) do qids[#qids + 1] = qid end
    table.sort(qids)
    for _, qid in ipairs(qids) do
      local item = in_flight[qid]
      -- only a row whose PUT went out may have been applied
      if item.sent then journal_entry(item, "unknown", in_flight_reason) end
      record_failure(item, item.sent and in_flight_reason or not_sent, "not_done")
    end
  end
  q.close()

  -- rows still waiting for their id (there are some only when the run
  -- stopped), then every row not taken yet: to the failures file, untouched
  for _, id in ipairs(util.sorted_keys(held)) do
    for _, item in ipairs(held[id]) do record_failure(item, not_sent, "not_done") end
  end
  if stopping then
    while not exhausted do
      local item = opts.next_item()
      if not item then break end
      counts.rows = counts.rows + 1
      record_failure(item, not_sent, "not_done")
    end
  end
  progress.finish(tally())
  return counts, stopping and not crashed, crashed
end

-- The summary: a line on stderr; returns the JSON for stdout and the exit status.
-- written: { failures = path|nil, journal = path|nil }; verb: "updated", "restored".
local function report(counts, dry_run, interrupted, crashed, written, verb)
  local summary = { rows = counts.rows, unchanged = counts.unchanged, failed = counts.failed,
                    fields = counts.fields, interrupted = interrupted, failures = written.failures or core.null }
  if dry_run then
    summary.dryRun, summary.wouldChange, summary.invalid = true, counts.changing, counts.invalid
    summary.notChecked = counts.not_done
    local what = ("%d rows, %d would change, %d unchanged, %d invalid"):format(
      counts.rows, counts.changing, counts.unchanged, counts.invalid)
    if counts.failed > 0 then what = what .. (", %d could not be read"):format(counts.failed) end
    if counts.not_done > 0 then what = what .. (", %d not checked"):format(counts.not_done) end
    local changing = {}
    for name, n in pairs(counts.fields) do changing[#changing + 1] = ("%s %d"):format(name, n) end
    table.sort(changing)
    if #changing > 0 then what = what .. "; rows changing " .. table.concat(changing, ", ") end
    context.stderr:write("sakari: dry run: " .. what .. "; nothing was written\n")
  else
    summary[verb], summary.notDone, summary.journal = counts.updated, counts.not_done, written.journal or core.null
    local what = ("%d rows: %d %s, %d unchanged, %d failed"):format(counts.rows, counts.updated, verb,
      counts.unchanged, counts.failed)
    if counts.not_done > 0 then what = what .. (", %d not done"):format(counts.not_done) end
    if written.failures then what = what .. " (written to " .. written.failures .. ")" end
    if written.journal then what = what .. "; journal " .. written.journal end
    context.stderr:write("sakari: " .. (interrupted and "interrupted: " or "") .. what .. "\n")
  end
  local failed = crashed or bad_rows(counts, dry_run) > 0
  return summary, interrupted and failure.EXIT_INTERRUPTED or failed and failure.EXIT_FAILED or failure.EXIT_OK
end

-- A whole bulk command. kind says what differs between bulk-update and restore:
--   input, noun, itself   the option naming the input file ("-": stdin), what
--                         messages call it, and call it as a failures file
--   journal_option        the option naming the journal the run writes
--   journal_kind, verb    the default journal's name (files.journal_name); "updated", "restored"
-- read(input) -> the rows: { next_item = function() -> the next row or nil:
--   { id, line = n, invalid = reason | want = function(before) -> the body to PUT,
--   named = {paths} }, failures = function(file) -> a writer
--   { write = function(item, reason), close = function(wrote) -> path|nil } over
--   the file's appender, count = function() -> rows in the input (for the ETA) | nil,
--   warning = text (shown first) | nil, note = function() (after the run) | nil }
-- Returns the summary (JSON for stdout) and the exit status.
function M.execute(args, kind, read)
  local path, dry_run = args[kind.input], args.dry_run
  -- a dry run writes no file unless asked to
  local failures_path = args.failures or not dry_run and path ~= "-" and files.failures_name(path) or nil
  if path == "-" and not failures_path and not dry_run then
    usage_error(("sakari: --failures FILE is needed when %s comes from stdin (--%s -)")
      :format(kind.noun, kind.input))
  end
  if failures_path and failures_path:gsub("^%./", "") == path:gsub("^%./", "") then
    usage_error(("sakari: --failures must not be %s itself"):format(kind.itself))
  end
  local journal_flag = "--" .. kind.journal_option:gsub("_", "-")
  if dry_run and args[kind.journal_option] then
    usage_error("sakari: --dry-run writes nothing: no " .. journal_flag)
  end
  local input, open_err
  if path == "-" then input = io.stdin else input, open_err = io.open(path, "rb") end
  if not input then fail(("sakari: cannot read %s: %s"):format(kind.noun, tostring(open_err))) end
  local source = read(input)

  local mode = progress_display.mode(args.progress)
  local client = context.client() -- no credentials: say so before any file is made
  local failures
  if failures_path then
    -- made at once, so that an old one never lingers; removed at the end if no row failed
    local handle, err = io.open(failures_path, "wb")
    if not handle then fail("sakari: cannot write the failures file: " .. tostring(err)) end
    failures = source.failures(files.appender(handle, failures_path, "the failures file"))
  end
  local opened, journal = true, nil
  if not dry_run then
    opened, journal = pcall(files.journal, journal_flag, args[kind.journal_option], failures_path,
      kind.journal_kind)
  end
  if not opened then
    failures.close(false) -- nothing ran: no file is left behind
    error(journal, 0)
  end

  core.watch_sigint(true)
  local total = mode ~= "off" and source.count and source.count() or nil
  local progress = progress_display.new(mode, total)
  if source.warning then progress.message(source.warning) end
  -- the concurrency in effect, as the client resolved it (flag, variable, default)
  local concurrency = assert(settings.resolve(context.config)).concurrency
  local ok, counts, interrupted, crashed = pcall(M.run, {
    account = args.account, concurrency = concurrency, dry_run = dry_run, progress = progress,
    next_item = source.next_item, failures = failures, failures_path = failures_path, journal = journal,
    client = client,
  })
  if input ~= io.stdin then input:close() end
  -- watched until here: a Ctrl-C while the files are closed must not cut them short
  core.watch_sigint(false)
  -- an empty journal is removed: nothing was written to the server
  local written = { journal = journal and journal.close(journal.appended) or nil }
  if not ok then
    if failures then failures.close(true) end
    error(counts, 0)
  end
  written.failures = failures and failures.close(bad_rows(counts, dry_run) > 0) or nil
  if source.note then source.note() end
  return report(counts, dry_run, interrupted, crashed, written, kind.verb)
end

return M
