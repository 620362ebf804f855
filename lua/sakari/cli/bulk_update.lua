-- contacts bulk-update: one update a CSV row, through a client queue, with the
-- rows that fail written to a failures file as they fail.
local core = require "sakari.core"
local context = require "sakari.cli.context"
local csv_stream = require "sakari.cli.csv_stream"
local failure = require "sakari.cli.failure"
local interrupt = require "sakari.cli.interrupt"
local json_out = require "sakari.cli.json_out"
local progress_display = require "sakari.cli.progress"
local rows = require "sakari.cli.rows"

local M = {}

local fail, usage_error = failure.fail, failure.usage_error

local NOT_SENT_INTERRUPTED = "not sent: interrupted (Ctrl-C) before this row was sent"
local IN_FLIGHT_INTERRUPTED = "interrupted while in flight: it may or may not have been applied"
local SHOWN_FAILURES = 5

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

-- The summary: a line on stderr, the JSON on stdout.
local function report(counts, dry_run, interrupted, failures_written)
  local summary
  if dry_run then
    summary = { dryRun = true, rows = counts.rows, valid = counts.valid, invalid = counts.invalid,
                notChecked = counts.not_done, interrupted = interrupted, failures = failures_written or core.null }
    context.stderr:write(("sakari: dry run: %d rows, %d valid, %d invalid%s; nothing was sent\n"):format(
      counts.rows, counts.valid, counts.invalid,
      counts.not_done > 0 and (", %d not checked"):format(counts.not_done) or ""))
  else
    summary = { rows = counts.rows, updated = counts.updated, failed = counts.failed, notDone = counts.not_done,
                interrupted = interrupted, failures = failures_written or core.null }
    local what = ("%d rows: %d updated, %d failed"):format(counts.rows, counts.updated, counts.failed)
    if counts.not_done > 0 then what = what .. (", %d not done"):format(counts.not_done) end
    if failures_written then what = what .. " (written to " .. failures_written .. ")" end
    context.stderr:write("sakari: " .. (interrupted and "interrupted: " or "") .. what .. "\n")
  end
  json_out.print(summary)
end

-- A failure raised from here reaches main, which stops watching Ctrl-C.
function M.run(args)
  local path = args.csv
  local patch, dry_run = args.patch, args.dry_run
  local concurrency = args.concurrency
  -- a dry run writes no file unless asked to
  local failures_path = args.failures
  if not failures_path and not dry_run and path ~= "-" then failures_path = path .. ".failed.csv" end
  if path == "-" and not failures_path and not dry_run then
    usage_error("sakari: --failures FILE is needed when the CSV comes from stdin (--csv -)")
  end
  if failures_path and failures_path:gsub("^%./", "") == path:gsub("^%./", "") then
    usage_error("sakari: --failures must not be the input file itself")
  end

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

  local client
  if not dry_run then client = context.client() end

  interrupt.start()

  local total
  if mode ~= "off" and path ~= "-" then total = count_rows(path) end
  local progress = progress_display.new(mode, total, interval)

  if not patch and not plan.has_mobile then
    progress.message("sakari: warning: no mobile column and no --patch: each row replaces its contact, "
      .. "which then has no mobile number")
  end

  local failures
  local function append(cells)
    local ok, err = failures:write(csv_stream.line(cells))
    if ok then ok, err = failures:flush() end
    if not ok then fail("sakari: cannot write the failures file " .. failures_path .. ": " .. tostring(err)) end
  end

  -- the failures file: created now (so an old one never lingers), removed at
  -- the end if no row failed
  if failures_path then
    local err
    failures, err = io.open(failures_path, "wb")
    if not failures then fail("sakari: cannot write the failures file: " .. tostring(err)) end
    local out_header = {}
    for i, name in ipairs(plan.out_header) do out_header[i] = name end
    out_header[#out_header + 1] = "error"
    append(out_header)
  end

  local counts = { rows = 0, updated = 0, failed = 0, not_done = 0, valid = 0, invalid = 0 }
  local shown = 0

  local function record_failure(record, reason, counter)
    counts[counter] = counts[counter] + 1
    if failures then
      local cells = rows.output_cells(plan, record.cells)
      cells[#cells + 1] = reason
      append(cells)
    end
    if counter == "invalid" then
      progress.message(("sakari: line %d: %s"):format(record.line, reason))
    elseif counter == "failed" then
      shown = shown + 1
      if shown <= SHOWN_FAILURES then
        progress.message(("sakari: line %d: %s"):format(record.line, (reason:gsub("^sakari: ", ""))))
      elseif shown == SHOWN_FAILURES + 1 and failures_path then
        progress.message("sakari: more rows failed: see " .. failures_path)
      end
    end
  end

  local function done_count()
    if dry_run then return counts.valid + counts.invalid end
    return counts.updated + counts.failed
  end
  local function failed_count()
    if dry_run then return counts.invalid end
    return counts.failed
  end

  local q = client and client.queue { concurrency = concurrency }
  local in_flight, in_flight_count = {}, 0
  local exhausted, stopping, aborted = false, false, false

  local function finished(id, value, err)
    local record = in_flight[id]
    if not record then return end
    -- the failure is written before the row leaves in_flight: an abort in
    -- between may write it twice, never lose it
    if value == nil and interrupt.is_error(err and err.message) then
      -- LuaJIT runs the interpreter's SIGINT hook in whichever coroutine is
      -- running: here it stopped this call, which may have been sent
      record_failure(record, IN_FLIGHT_INTERRUPTED, "not_done")
      stopping, aborted = true, true
    elseif value == nil then
      record_failure(record, tostring(err), "failed")
    else
      counts.updated = counts.updated + 1
    end
    in_flight[id] = nil
    in_flight_count = in_flight_count - 1
  end

  local function on_interrupt()
    if stopping then
      aborted = true
      return
    end
    stopping = true
    interrupt.rearm()
    if in_flight_count > 0 then
      progress.message(("sakari: interrupted: letting %d rows in flight finish (Ctrl-C again to stop waiting)")
        :format(in_flight_count))
    else
      progress.message("sakari: interrupted")
    end
  end

  local ok, loop_err = pcall(function()
    while true do
      while not stopping and not exhausted and in_flight_count < concurrency do
        if interrupt.check() then
          on_interrupt()
          break
        end
        local record = next_record()
        if not record then
          exhausted = true
          break
        end
        counts.rows = counts.rows + 1
        local id, body = rows.row_body(plan, record, patch)
        if not id then
          record_failure(record, dry_run and body or ("not sent: " .. body), dry_run and "invalid" or "failed")
        elseif dry_run then
          counts.valid = counts.valid + 1
        else
          local pushed, qid = pcall(q.push, { patch and "contacts.patch" or "contacts.update", args.account, id, body })
          if pushed then
            in_flight[qid] = record
            in_flight_count = in_flight_count + 1
          else
            if interrupt.is_error(qid) then error(qid, 0) end
            record_failure(record, "not sent: " .. failure.strip_position(qid), "failed")
          end
        end
        progress.update(done_count(), failed_count())
      end
      if in_flight_count == 0 and (exhausted or stopping) then break end
      if in_flight_count > 0 then
        for _, r in ipairs(q.poll(0.1)) do finished(r.id, r.value, r.err) end
      end
      if interrupt.check() then on_interrupt() end
      if aborted then break end
      progress.update(done_count(), failed_count())
    end
  end)

  local not_sent, in_flight_reason, crashed = NOT_SENT_INTERRUPTED, IN_FLIGHT_INTERRUPTED, false
  if not ok then
    if failure.is_failure(loop_err) then
      if q then q.close() end
      error(loop_err, 0)
    end
    -- the interpreter's own SIGINT handling (an older core), or a bug: either
    -- way no row may go missing
    if not interrupt.is_error(loop_err) then
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
    local ids = {}
    for id in pairs(in_flight) do ids[#ids + 1] = id end
    table.sort(ids)
    for _, id in ipairs(ids) do
      record_failure(in_flight[id], in_flight_reason, "not_done")
      in_flight[id] = nil
    end
    in_flight_count = 0
  end
  if q then q.close() end

  if stopping and not exhausted then
    -- every row not taken yet goes to the failures file, untouched
    while true do
      local record = next_record()
      if not record then break end
      counts.rows = counts.rows + 1
      record_failure(record, not_sent, "not_done")
    end
  end
  if input ~= io.stdin then input:close() end
  -- watched until here: a Ctrl-C while the rest is written must not cut it short
  interrupt.stop()

  progress.finish(done_count(), failed_count())

  local wrote = counts.failed + counts.not_done + (dry_run and counts.invalid or 0)
  if failures then
    failures:close()
    if wrote == 0 then os.remove(failures_path) end
  end
  local failures_written = failures and wrote > 0 and failures_path or nil

  local interrupted = stopping and not crashed
  report(counts, dry_run, interrupted, failures_written)

  if interrupted then return failure.EXIT_INTERRUPTED end
  if crashed then return failure.EXIT_FAILED end
  if dry_run then return counts.invalid > 0 and failure.EXIT_FAILED or failure.EXIT_OK end
  return counts.failed > 0 and failure.EXIT_FAILED or failure.EXIT_OK
end

return M
