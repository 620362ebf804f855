-- Bulk runs under the sandbox's seeded random faults (5xx, 429, connections
-- dropped before the API acts, and dropped after it acted, which the client
-- sees as a failure) and under Ctrl-C: every row ends applied on the server or
-- in the failures file, the failures file finishes the job, no contact loses a
-- field, the journal says what was applied, and restore puts it all back.
-- SAKARI_SPEC_FIGURES=1 prints the figures of the big run on stderr.
local sandbox = require "spec.support.sandbox"
local cli = require "spec.support.cli"
local core = require "sakari.core"
local fs = require "spec.support.fs"

local ACC = cli.ACC
local sakari, jsonl = cli.sakari, cli.jsonl

-- The 2,000-row run is a few seconds; under valgrind, sanitizers or GC stress
-- (where everything is many times slower) a smaller one proves the same.
local SLOW = os.getenv("SAKARI_SLOW_RUN") or os.getenv("SAKARI_GC_STRESS") == "1"
  or (os.getenv("LD_PRELOAD") or "") ~= ""
local ROWS = SLOW and 300 or 2000
local CHAOS = { seed = 20261130, rate = 0.15, retry_after = "0", path = "/v1/accounts/" }

cli.each_run()
after_each(sandbox.chaos_off)

-- What the server holds, decoded: id -> contact.
local function contacts_now()
  local out = {}
  for id, text in pairs(sandbox.stored_contacts()) do out[id] = core.decode(text) end
  return out
end

-- The CSV of the run: row i sets firstName and the attribute plan of contact i.
local function input_for(ids)
  local rows = { { "id", "firstName", "plan" } }
  for i, id in ipairs(ids) do rows[#rows + 1] = { id, "New" .. i, "p" .. i } end
  return cli.csv_file(rows)
end

local function applied(contact, i)
  return contact.firstName == "New" .. i and contact.attributes.plan == "p" .. i
end

-- No contact lost a field it had: it is as before, but for the two fields the
-- row names (old or new values) and the server's stamp of the last write.
local function nothing_lost(before, now, ids)
  for i, id in ipairs(ids) do
    local was, is = before[id], now[id]
    local expected = {}
    for k, v in pairs(was) do expected[k] = v end
    expected.updated = is.updated
    if applied(is, i) then
      expected.firstName, expected.attributes = is.firstName, { plan = "p" .. i }
    end
    assert.are.same(expected, is, "row " .. i)
  end
end

-- The failures file's rows by id, each with the cells it was given.
local function failed_rows(path, ids)
  local failed = {}
  if not fs.read(path) then return failed end
  local index = {}
  for i, id in ipairs(ids) do index[id] = i end
  for _, r in ipairs((cli.records(path))) do
    assert.is_nil(failed[r.id], "row twice in the failures file: " .. tostring(r.id))
    local i = assert(index[r.id], "not a row of the input: " .. tostring(r.id))
    assert.are.same({ "New" .. i, "p" .. i }, { r.firstName, r.plan })
    failed[r.id] = r
  end
  return failed
end

-- Every row applied on the server or in the failures file; the journal's
-- "applied" lines are rows applied, and every row applied but not journaled as
-- such is journaled "unknown" (its answer was lost) and is in the failures file.
local function account_for_every_row(ids, now, failures, journal)
  local failed = failed_rows(failures, ids)
  local outcome = {}
  for _, line in ipairs(journal and jsonl(journal) or {}) do
    assert.is_nil(outcome[line.id], "journaled twice: " .. line.id)
    outcome[line.id] = line.outcome
  end
  local n_applied, n_failed = 0, 0
  for i, id in ipairs(ids) do
    local done = applied(now[id], i)
    if done then n_applied = n_applied + 1 end
    if failed[id] then n_failed = n_failed + 1 end
    assert.is_true(done or failed[id] ~= nil, "row " .. i .. " is neither applied nor in the failures file")
    if outcome[id] == "applied" then
      assert.is_true(done, "row " .. i .. " journaled as applied, not on the server")
      assert.is_nil(failed[id], "row " .. i .. " journaled as applied and in the failures file")
    elseif done then
      assert.are.equal("unknown", outcome[id], "row " .. i .. " applied and not journaled")
      assert.is_not_nil(failed[id])
    end
  end
  return n_applied, n_failed
end

describe("sakari contacts bulk-update under random faults", function()
  it(("leaves each of %d rows applied or in the failures file, which finishes the job"):format(ROWS), function()
    local ids = sandbox.seed(ROWS)
    local before = contacts_now()
    local input = input_for(ids)
    sandbox.chaos(CHAOS)
    local started = core.now()
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "16" },
      { env = { SAKARI_PROGRESS = "off" } })
    local first_seconds = core.now() - started
    local report = sandbox.chaos_off()
    assert.is_true(status == 0 or status == 1, err)
    local summary = core.decode(out)
    local failures, journal = cli.failed_name(input), summary.journal

    local injected = 0
    for _, n in pairs(report.injected) do injected = injected + n end
    assert.is_true(injected > report.matched * 0.1 and injected < report.matched * 0.2,
      injected .. " faults in " .. report.matched .. " requests")
    assert.is_true(report.injected.drop_after > 0)

    local now = contacts_now()
    local n_applied, n_failed = account_for_every_row(ids, now, failures, journal)
    assert.are.equal(summary.failed, n_failed)
    nothing_lost(before, now, ids)

    -- fed back (faults off), the failures file finishes the job
    started = core.now()
    if n_failed > 0 then
      status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failures })
      assert.are.equal(0, status, err)
      cli.keep(core.decode(out).journal)
    end
    local second_seconds = core.now() - started
    now = contacts_now()
    local done = 0
    for i, id in ipairs(ids) do
      assert.is_true(applied(now[id], i), "row " .. i .. " not applied after feeding back")
      done = done + 1
    end
    nothing_lost(before, now, ids)

    if os.getenv("SAKARI_SPEC_FIGURES") then
      local kinds = {}
      for kind, n in pairs(report.injected) do kinds[#kinds + 1] = kind .. " " .. n end
      table.sort(kinds)
      io.stderr:write(("\nfault run: %d rows, %d requests, %d faults injected (%s); first pass %.1f s: "
        .. "%d applied, %d in the failures file (%d of them applied, answer lost); fed back %.2f s: %d applied\n")
        :format(ROWS, report.matched, injected, table.concat(kinds, ", "), first_seconds, n_applied, n_failed,
          n_applied + n_failed - ROWS, second_seconds, done))
    end
  end)

  it("then restore puts every contact back byte for byte, under faults too", function()
    local ids = sandbox.seed(SLOW and 60 or 200)
    local stored_before = cli.stored(ids)
    local input = input_for(ids)
    sandbox.chaos(CHAOS)
    local journals, current = {}, input
    for _ = 1, 6 do
      local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", current, "--concurrency", "8" })
      assert.is_true(status == 0 or status == 1, err)
      journals[#journals + 1] = core.decode(out).journal ~= core.null and core.decode(out).journal or nil
      if status == 0 then break end
      current = core.decode(out).failures
    end
    for i = #journals, 1, -1 do
      current = journals[i]
      for _ = 1, 6 do
        local status, out, err = sakari({ "contacts", "restore", ACC, "--journal", current })
        assert.is_true(status == 0 or status == 1, err)
        cli.keep(core.decode(out).journal)
        if status == 0 then break end
        current = core.decode(out).failures
      end
    end
    sandbox.chaos_off()
    assert.are.same(stored_before, cli.stored(ids))
  end)
end)

describe("sakari contacts bulk-update, Ctrl-C under random faults", function()
  it("leaves every row applied or in the failures file, and a journal of exactly what was applied", function()
    local ids = sandbox.seed(300)
    local before = contacts_now()
    local input = input_for(ids)
    sandbox.chaos(CHAOS)
    -- PUTs slowed down, so that Ctrl-C comes with rows in flight
    sandbox.fault({ method = "PUT", path = cli.CONTACTS, delay = 0.05, times = 300 })
    local pid, wait = cli.start({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "8" })
    local deadline = core.now() + 30
    while #cli.requests_by("PUT") < 60 do
      assert(core.now() < deadline, "the run did not get going")
      core.sleep(0.02)
    end
    os.execute("kill -INT " .. pid)
    local status, out, err = wait(60)
    sandbox.chaos_off()
    assert.are.equal(130, status, err)
    local summary = core.decode(out)
    assert.is_true(summary.notDone > 0 and summary.updated > 0, out)

    local now = contacts_now()
    local failures = cli.failed_name(input)
    local n_applied = account_for_every_row(ids, now, failures, summary.journal)
    local journaled = 0
    for _, line in ipairs(jsonl(summary.journal)) do
      if line.outcome == "applied" then journaled = journaled + 1 end
    end
    assert.are.equal(summary.updated, journaled)
    assert.is_true(n_applied >= journaled)
    nothing_lost(before, now, ids)

    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failures })
    assert.are.equal(0, status, err)
    cli.keep(core.decode(out).journal)
    now = contacts_now()
    for i, id in ipairs(ids) do assert.is_true(applied(now[id], i), "row " .. i) end
    nothing_lost(before, now, ids)
  end)
end)
