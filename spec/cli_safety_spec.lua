-- The CLI never destroys a contact through its own paths: failures files that
-- round-trip, patch by default, a dry run that shows the change, a journal of
-- every write and a restore that puts it all back. Every spec reads the
-- sandbox's state back after the run.
local sandbox = require "spec.support.sandbox"
local cli = require "spec.support.cli"
local core = require "sakari.core"
local csv = require "sakari.csv"
local fs = require "spec.support.fs"

local ACC, CONTACTS = cli.ACC, cli.CONTACTS
local sakari, csv_file, failed_name, requests_by = cli.sakari, cli.csv_file, cli.failed_name, cli.requests_by

local client = cli.each_client()

-- The rows of a CSV file, as arrays of cells (header first).
local function csv_rows(path)
  return assert(csv.decode(assert(fs.read(path), "no file " .. path)))
end

local journal_lines, stored = cli.jsonl, cli.stored

describe("sakari failures files", function()
  local HEADER = { "id", "firstName", "lastName", "email", "mobile", "country", "plan" }
  local ids

  before_each(function()
    ids = sandbox.seed(2)
    assert(client.contacts.patch(ACC, ids[1], { attributes = { plan = "gold" } }))
    sandbox.clear_requests()
  end)

  it("keep a short row's cells exactly, and fed back never send it: mobile and plan stay", function()
    local input = csv_file {
      HEADER,
      { ids[1], "Short", "Row", "short@example.com" },
      { ids[2], "Full", "Row", "full@example.com", "+15550100002", "US", "silver" },
    }
    local status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(1, status, err)
    local failures = failed_name(input)
    local rows = csv_rows(failures)
    assert.are.same({ "id", "firstName", "lastName", "email", "mobile", "country", "plan", "error" }, rows[1])
    assert.are.equal(2, #rows)
    -- 4 cells as read, then the error: no padding
    assert.are.same({ ids[1], "Short", "Row", "short@example.com", "not sent: has 4 cells, the header has 7" },
      rows[2])
    assert.are.same({ CONTACTS .. ids[2] }, requests_by("PUT"))

    -- fed back as README says: checked again, refused again, nothing sent for it
    sandbox.clear_requests()
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failures })
    assert.are.equal(1, status, err)
    assert.are.same({}, sandbox.requests())
    local again = csv_rows(failed_name(failures))
    assert.are.same(rows, again)
    local contact = client.contacts.get(ACC, ids[1])
    assert.are.equal("+15550000002", contact.mobile.number)
    assert.are.same({ plan = "gold" }, contact.attributes)
    assert.are.equal("Seeded2", contact.firstName)

    -- fixed (its cells completed), it goes through, and only its cells change
    local fixed = { { "id", "firstName", "lastName", "email", "mobile", "country", "plan", "error" },
                    { ids[1], "Short", "Row", "short@example.com", "", "", "", "the old error" } }
    local fixed_path = csv_file(fixed)
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", fixed_path })
    assert.are.equal(0, status, err)
    contact = client.contacts.get(ACC, ids[1])
    assert.are.same({ "Short", "Row", "short@example.com", "+15550000002", { plan = "gold" } },
      { contact.firstName, contact.lastName, contact.email, contact.mobile.number, contact.attributes })
  end)

  it("keep extra cells, and an error column only as the last column", function()
    local input = csv_file { { "id", "firstName" }, { ids[1], "Two", "extra", "" } }
    local status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(1, status, err)
    local rows = csv_rows(failed_name(input))
    assert.are.same({ ids[1], "Two", "extra", "" }, { rows[2][1], rows[2][2], rows[2][3], rows[2][4] })
    assert.are.equal(5, #rows[2])
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failed_name(input) })
    assert.are.equal(1, status, err)
    assert.are.same(rows, csv_rows(failed_name(failed_name(input))))

    local misplaced = csv_file { { "id", "error", "firstName" }, { ids[1], "x", "Y" } }
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", misplaced })
    assert.are.equal(1, status)
    assert.truthy(err:find('column 2 is "error", which only a failures file has, as its last column', 1, true), err)
    assert.are.same({}, sandbox.requests())
  end)

  it("fed back get a numbered sibling, never a longer name", function()
    local input = csv_file { { "id", "firstName" }, { "no-such-contact", "X" } }
    local stem = input:gsub("%.csv$", "")
    local current = input
    for round = 1, 3 do
      local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", current })
      assert.are.equal(1, status, err)
      local expected = stem .. (round == 1 and ".failed.csv" or (".failed.%d.csv"):format(round))
      assert.are.equal(expected, core.decode(out).failures)
      assert.is_not_nil(fs.read(expected))
      current = expected
    end
    assert.is_nil(fs.read(input .. ".failed.csv"))
    local _, help = sakari({ "contacts", "bulk-update", "--help" })
    assert.truthy(help:find("bulk50.failed.csv -> bulk50.failed.2.csv", 1, true), help)
  end)
end)

describe("sakari contacts update and bulk-update", function()
  it("update changes only the fields named; --replace clears the others", function()
    local before = client.contacts.get(ACC, sandbox.SEED_CONTACT)
    local status, out, err = sakari({ "contacts", "update", ACC, sandbox.SEED_CONTACT, "--firstName", "Zed" })
    assert.are.equal(0, status, err)
    assert.are.equal("Zed", core.decode(out).firstName)
    local after = client.contacts.get(ACC, sandbox.SEED_CONTACT)
    assert.are.equal("Zed", after.firstName)
    assert.are.equal(before.lastName, after.lastName)
    assert.are.same(before.mobile, after.mobile)
    assert.are.same(before.lists, after.lists)
    assert.are.equal(before.optIn, after.optIn)

    status, out, err = sakari({ "contacts", "update", ACC, sandbox.SEED_CONTACT, "--replace", "--firstName", "Zed",
      "--mobile", "+15550109999" })
    assert.are.equal(0, status, err)
    assert.is_nil(core.decode(out).lastName)
    after = client.contacts.get(ACC, sandbox.SEED_CONTACT)
    assert.is_nil(after.lastName)
    assert.are.equal(0, #after.lists)

    local _, help = sakari({ "contacts", "update", "--help" })
    assert.truthy(help:find("two requests", 1, true), help)
    status, _, err = sakari({ "contacts", "update", ACC, sandbox.SEED_CONTACT, "--replace", "--patch",
      "--firstName", "A" })
    assert.are.equal(2, status)
    assert.truthy(err:find("--patch", 1, true), err)
  end)

  it("bulk-update keeps what a row leaves out; with --replace a column left out is cleared", function()
    local ids = sandbox.seed(2)
    local input = csv_file { { "id", "firstName" }, { ids[1], "Kept" } }
    local status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    local one = client.contacts.get(ACC, ids[1])
    assert.are.same({ "Kept", "Contact", "seeded2@example.com", "+15550000002" },
      { one.firstName, one.lastName, one.email, one.mobile.number })

    local replacing = csv_file { { "id", "firstName", "mobile" }, { ids[2], "Only", "+15550000003" } }
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", replacing, "--replace" })
    assert.are.equal(0, status, err)
    local two = client.contacts.get(ACC, ids[2])
    assert.are.equal("Only", two.firstName)
    assert.is_nil(two.lastName)
    assert.is_nil(two.email)
    assert.are.equal("+15550000003", two.mobile.number)
  end)
end)

describe("sakari contacts bulk-update --dry-run", function()
  it("shows the change of each row against the server and writes nothing", function()
    local ids = sandbox.seed(3)
    local input = cli.csv_file {
      { "id", "firstName", "email" },
      { ids[1], "Robert", "seeded2@example.com" },
      { ids[2], "Seeded3", "seeded3@example.com" },
      { ids[3], "", "new4@example.com" },
    }
    local before = stored(ids)
    sandbox.clear_requests()
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--dry-run" })
    assert.are.equal(0, status, err)
    assert.truthy(err:find(ids[1] .. ' firstName "Seeded2" -> "Robert"; email unchanged\n', 1, true), err)
    assert.truthy(err:find(ids[2] .. " email unchanged; firstName unchanged\n", 1, true), err)
    assert.truthy(err:find(ids[3] .. ' email "seeded4@example.com" -> "new4@example.com"\n', 1, true), err)
    assert.truthy(err:find("sakari: dry run: 3 rows, 2 would change, 1 unchanged, 0 invalid; "
      .. "rows changing email 1, firstName 1; nothing was written", 1, true), err)
    local summary = core.decode(out)
    assert.are.same({ dryRun = true, rows = 3, wouldChange = 2, unchanged = 1, invalid = 0, failed = 0, notChecked = 0,
                      fields = { firstName = 1, email = 1 }, interrupted = false, failures = core.null }, summary)
    for _, r in ipairs(sandbox.requests()) do assert.are.equal("GET", r.method) end
    assert.are.equal(3, #sandbox.requests())
    assert.are.same(before, stored(ids))
    assert.is_nil(fs.read(failed_name(input)))
    assert.is_nil(fs.read((input:gsub("%.csv$", ".journal.jsonl"))))
  end)

  it("with --replace shows the fields the row would clear", function()
    local ids = sandbox.seed(1)
    local input = cli.csv_file { { "id", "firstName", "mobile" }, { ids[1], "Seeded2", "+15550000002" } }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--dry-run", "--replace" })
    assert.are.equal(0, status, err)
    assert.truthy(err:find(ids[1] .. ' email "seeded2@example.com" -> (none); lastName "Contact" -> (none); '
      .. 'mobile.country "US" -> (none); firstName unchanged; mobile.number unchanged\n', 1, true), err)
    assert.are.same({ email = 1, lastName = 1, ["mobile.country"] = 1 }, core.decode(out).fields)
    assert.are.same({}, requests_by("PUT"))
  end)

  it("a real run does not send a row that changes nothing", function()
    local ids = sandbox.seed(2)
    local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Seeded2" }, { ids[2], "Changed" } }
    sandbox.clear_requests()
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    local summary = core.decode(out)
    assert.are.equal(1, summary.unchanged)
    assert.are.equal(1, summary.updated)
    assert.are.same({ CONTACTS .. ids[2] }, requests_by("PUT"))
    assert.are.equal("Changed", client.contacts.get(ACC, ids[2]).firstName)
    local lines = journal_lines(summary.journal)
    assert.are.equal(1, #lines)
    assert.are.equal(ids[2], lines[1].id)
  end)
end)

describe("sakari bulk-update's journal", function()
  it("journals a row whose PUT was applied but whose answer was lost as unknown; fed back it is not sent again",
    function()
      local ids = sandbox.seed(2)
      local before = stored(ids)
      -- every attempt of ids[1]'s PUT is applied, and every answer lost
      sandbox.fault({ method = "PUT", path = CONTACTS .. ids[1], drop_after = true, times = 10 })
      local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Lost" }, { ids[2], "Fine" } }
      local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
      assert.are.equal(1, status, err)
      sandbox.clear_faults()
      local summary = core.decode(out)
      assert.are.equal("Lost", client.contacts.get(ACC, ids[1]).firstName) -- applied all the same
      local rows = csv_rows(summary.failures)
      assert.are.same({ ids[1], "Lost" }, { rows[2][1], rows[2][2] })
      local lines = journal_lines(summary.journal)
      table.sort(lines, function(a, b) return a.outcome < b.outcome end)
      assert.are.same({ "applied", "unknown" }, { lines[1].outcome, lines[2].outcome })
      assert.are.same({ ids[2], ids[1] }, { lines[1].id, lines[2].id })
      assert.are.equal(core.null, lines[2].after)
      assert.are.equal("Seeded2", lines[2].before.firstName)

      sandbox.clear_requests()
      local again
      status, again, err = sakari({ "contacts", "bulk-update", ACC, "--csv", summary.failures })
      assert.are.equal(0, status, err)
      assert.are.equal(1, core.decode(again).unchanged)
      assert.are.same({}, requests_by("PUT"))

      -- and restore puts back both, the unknown one included
      status, again, err = sakari({ "contacts", "restore", ACC, "--journal", summary.journal })
      assert.are.equal(0, status, err)
      cli.keep(core.decode(again).journal)
      assert.are.same(before, stored(ids))
    end)

  it("journals as unknown a PUT applied by an attempt whose answer was lost, then refused on the retries",
    function()
      local ids = sandbox.seed(1)
      sandbox.fault({ method = "PUT", path = CONTACTS .. ids[1], drop_after = true },
        { method = "PUT", path = CONTACTS .. ids[1], status = 429, headers = { ["Retry-After"] = "0" }, times = 10 })
      local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Applied" } }
      local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
      assert.are.equal(1, status, err)
      sandbox.clear_faults()
      assert.truthy(err:find("429", 1, true), err)
      assert.are.equal("Applied", client.contacts.get(ACC, ids[1]).firstName)
      local lines = journal_lines(core.decode(out).journal)
      assert.are.same({ { ids[1], "unknown" } }, { { lines[1].id, lines[1].outcome } })
    end)

  it("runs rows of the same id one after the other, in file order", function()
    local ids = sandbox.seed(1)
    local rows = { { "id", "firstName" } }
    for i = 1, 6 do rows[#rows + 1] = { ids[1], "Step" .. i } end
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", cli.csv_file(rows),
      "--concurrency", "8" })
    assert.are.equal(0, status, err)
    assert.are.equal("Step6", client.contacts.get(ACC, ids[1]).firstName)
    local lines = journal_lines(core.decode(out).journal)
    assert.are.equal(6, #lines)
    for i, line in ipairs(lines) do
      assert.are.equal("Step" .. i, line.after.firstName)
      assert.are.equal(i == 1 and "Seeded2" or ("Step" .. (i - 1)), line.before.firstName)
    end
  end)

  it("holds, per row written, the contact before, the fields sent and the answer; 0600; never overwritten", function()
    local ids = sandbox.seed(3)
    local before = {}
    for i, id in ipairs(ids) do before[i] = client.contacts.get(ACC, id) end
    local input = cli.csv_file {
      { "id", "firstName", "plan" }, { ids[1], "J1", "gold" }, { ids[2], "J2", "" }, { "no-such-contact", "J", "" },
    }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "1" })
    assert.are.equal(1, status, err)
    local path = core.decode(out).journal
    assert.are.equal((input:gsub("%.csv$", ".journal.jsonl")), path)
    local mode = io.popen("stat -c %a " .. path):read("*l")
    assert.are.equal("600", mode)
    local lines = journal_lines(path)
    assert.are.equal(2, #lines)
    for i, line in ipairs(lines) do
      assert.are.equal(ids[i], line.id)
      assert.are.equal("applied", line.outcome)
      assert.are.same(before[i], line.before)
      assert.are.same(client.contacts.get(ACC, ids[i]), line.after)
      assert.are.equal("J" .. i, line.sent.firstName)
      assert.are.equal(before[i].email, line.sent.email)
    end
    assert.are.same({ plan = "gold" }, lines[1].sent.attributes)

    -- a second run keeps the first journal and starts its own
    local again = cli.csv_file { { "id", "firstName" }, { ids[3], "J3" } }
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", again, "--journal", path })
    assert.are.equal(2, status)
    assert.are.equal("", out)
    assert.matches("--journal " .. path .. ": exists", err, 1, true)
    -- nor does a restore's: the message names the option that gave it
    status, out, err = sakari({ "contacts", "restore", ACC, "--journal", path, "--output-journal", path })
    assert.are.equal(2, status)
    assert.are.equal("", out)
    assert.matches("--output-journal " .. path .. ": exists", err, 1, true)
    assert.are.equal("Seeded4", client.contacts.get(ACC, ids[3]).firstName)
    assert.is_nil(fs.read(failed_name(again)))
    assert.are.equal(2, #journal_lines(path))
    -- the same input again: its rows hold already, nothing is written, no journal
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "1" })
    assert.are.equal(1, status, err)
    local summary = core.decode(out)
    assert.are.same({ 0, 2, core.null }, { summary.updated, summary.unchanged, summary.journal })
    -- changed, it writes the next free name
    fs.write(input, assert(csv.encode { { "id", "firstName" }, { ids[1], "J1b" } }))
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    assert.are.equal((input:gsub("%.csv$", ".journal.2.jsonl")), core.decode(out).journal)
    assert.are.equal(2, #journal_lines(path))
    assert.are.equal("J1", journal_lines(path)[1].after.firstName)
  end)
end)

describe("sakari contacts restore", function()
  -- (mobile.verified is the server's: a contact whose number changes loses it,
  -- and no write can give it back, so the seed contact keeps its number here)
  it("puts every contact of a journal back byte for byte, the seed contact after --replace too", function()
    local ids = sandbox.seed(4)
    assert(client.contacts.patch(ACC, ids[1], { attributes = { plan = "gold", city = "Boston, MA" } }))
    local touched = { sandbox.SEED_CONTACT, ids[1], ids[2], ids[3], ids[4] }
    local before = stored(touched)
    local input = cli.csv_file {
      { "id", "firstName", "email", "mobile", "plan" },
      { sandbox.SEED_CONTACT, "Zed", "zed@example.com", "", "platinum" },
      { ids[1], "Ann", "ann@example.com", "", "" },
      { ids[2], "", "", "+15550100002", "silver" },
      { ids[3], "Seeded4", "", "", "" },   -- changes nothing
      { ids[1], "Ann2", "", "", "bronze" }, -- the same contact again
    }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    local journal = core.decode(out).journal
    -- and a --replace run on top: the seed contact loses its lists, opt-in, integrations...
    local replacing = cli.csv_file { { "id", "firstName", "mobile" }, { sandbox.SEED_CONTACT, "Wiped", "123-456-7890" },
                                     { ids[4], "Wiped", "+15550107777" } }
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", replacing, "--replace" })
    assert.are.equal(0, status, err)
    local replace_journal = core.decode(out).journal
    assert.are_not.same(before, stored(touched))

    -- newest first
    for _, path in ipairs { replace_journal, journal } do
      status, out, err = sakari({ "contacts", "restore", ACC, "--journal", path })
      assert.are.equal(0, status, err)
      cli.keep(core.decode(out).journal)
    end
    assert.are.same(before, stored(touched))

    -- a restore of what holds already writes nothing
    sandbox.clear_requests()
    status, out, err = sakari({ "contacts", "restore", ACC, "--journal", journal })
    assert.are.equal(0, status, err)
    assert.are.same({}, requests_by("PUT"))
    assert.are.equal(3, core.decode(out).unchanged) -- seed, ids[1] (its second line superseded), ids[2]
  end)

  -- integers past 2^53 stay exact where Lua has 64-bit integers (5.3+);
  -- empty arrays everywhere
  it("puts back big integers and empty arrays exactly", function()
    local ids = sandbox.seed(1)
    local exact = math.type ~= nil
    local id_text, score_text = exact and "9007199254740993" or "123", exact and "12345678901234567" or "12"
    assert.are.equal(200, sandbox.put_contact_json(ids[1], '{"firstName":"Big","mobile":{"number":"+15550000002"},'
      .. '"hubspot":{"id":' .. id_text .. '},"tags":[],"lists":[{"id":"l1","filter":{"attributes":[]}}],'
      .. '"attributes":{"score":' .. score_text .. '}}'))
    local before = stored(ids)
    assert.truthy(before[ids[1]]:find('"id":' .. id_text, 1, true), before[ids[1]])
    local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Changed" } }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    local changed = stored(ids)[ids[1]]
    for _, part in ipairs { '"id":' .. id_text, '"score":' .. score_text, '"tags":[]', '"attributes":[]' } do
      assert.truthy(changed:find(part, 1, true), part .. " in " .. changed) -- the patch kept it exact
    end
    status, out, err = sakari({ "contacts", "restore", ACC, "--journal", core.decode(out).journal })
    assert.are.equal(0, status, err)
    cli.keep(core.decode(out).journal)
    assert.are.same(before, stored(ids))
  end)

  it("reads the journal from stdin with --journal -, once --failures names its failures file", function()
    local ids = sandbox.seed(1)
    local before = stored(ids)
    local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Changed" } }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    assert.are.equal(0, status, err)
    local journal = core.decode(out).journal
    sandbox.clear_requests()
    local _
    status, _, err = sakari({ "contacts", "restore", ACC, "--journal", "-" }, { stdin = journal })
    assert.are.equal(2, status)
    assert.truthy(err:find("--failures FILE is needed", 1, true), err)
    assert.are.same({}, requests_by("PUT"))
    status, out, err = sakari({ "contacts", "restore", ACC, "--journal", "-", "--failures", cli.tmp(".jsonl"),
      "--output-journal", cli.tmp(".jsonl") }, { stdin = journal })
    assert.are.equal(0, status, err)
    assert.are.equal(1, core.decode(out).restored)
    assert.are.same(before, stored(ids))
  end)

  it("--dry-run shows what it would put back and writes nothing", function()
    local ids = sandbox.seed(1)
    local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Changed" } }
    local _, out = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
    local journal = core.decode(out).journal
    sandbox.clear_requests()
    local status, _, err = sakari({ "contacts", "restore", ACC, "--journal", journal, "--dry-run" })
    assert.are.equal(0, status, err)
    assert.truthy(err:find(ids[1] .. ' firstName "Changed" -> "Seeded2"', 1, true), err)
    assert.are.same({}, requests_by("PUT"))
    assert.are.equal("Changed", client.contacts.get(ACC, ids[1]).firstName)
  end)

  it("refuses journal lines it cannot use, and writes them to its failures file", function()
    local journal = cli.tmp(".jsonl")
    fs.write(journal, '{"id":"x"}\nnot json\n')
    local status, out, err = sakari({ "contacts", "restore", ACC, "--journal", journal })
    assert.are.equal(1, status, err)
    local summary = core.decode(out)
    assert.are.equal(2, summary.failed)
    assert.are.equal((journal:gsub("%.jsonl$", ".failed.jsonl")), summary.failures)
    local lines = journal_lines(summary.failures)
    assert.are.equal("not sent: no before (the contact as it was)", lines[1].error)
    assert.are.equal("x", lines[1].id) -- the line's own fields, to fix and feed back
    assert.are.equal("not json", lines[2].line)
    assert.are.same({}, sandbox.requests())
  end)
end)

describe("sakari with SAKARI_ACCOUNT_ID", function()
  local env = { env = { SAKARI_ACCOUNT_ID = ACC } }

  it("takes the account from it in every command when ACCOUNT is left out", function()
    local ids = sandbox.seed(1)
    local input = cli.csv_file { { "id", "firstName" }, { ids[1], "Env" } }
    local cases = {
      { "contacts", "get", ids[1] },
      { "contacts", "update", ids[1], "--firstName", "Env0" },
      { "contacts", "create", "--mobile", "+15550106666" },
      { "contacts", "list", "--limit", "1" },
      { "contacts", "bulk-update", "--csv", input },
      { "messages", "send", "--to", "+15550106666", "--text", "Hi" },
      { "contacts", "delete", ids[1] },
    }
    for _, argv in ipairs(cases) do
      sandbox.clear_requests()
      local status, out, err = sakari(argv, env)
      local name = table.concat(argv, " ")
      assert.are.equal(0, status, name .. ": " .. err)
      if argv[2] == "bulk-update" then
        cli.keep(core.decode(out).journal)
        local restored
        status, restored, err = sakari({ "contacts", "restore", "--journal", core.decode(out).journal }, env)
        assert.are.equal(0, status, err)
        cli.keep(core.decode(restored).journal)
      end
      for _, r in ipairs(sandbox.requests()) do
        assert.truthy(r.path:find("/v1/accounts/" .. ACC .. "/", 1, true), name .. ": " .. r.path)
      end
    end
    assert.are.equal(404, select(2, client.contacts.get(ACC, ids[1])).status)
  end)

  it("an ACCOUNT given wins; without either, a usage error", function()
    local status, out, err = sakari({ "contacts", "get", ACC, sandbox.SEED_CONTACT },
      { env = { SAKARI_ACCOUNT_ID = "another-account" } })
    assert.are.equal(0, status, err)
    assert.are.equal(sandbox.SEED_CONTACT, core.decode(out).id)
    sandbox.clear_requests()
    status, out, err = sakari({ "contacts", "list" })
    assert.are.equal(2, status)
    assert.are.equal("", out)
    assert.truthy(err:find("missing argument 'account' (or set SAKARI_ACCOUNT_ID)", 1, true), err)
    status, out, err = sakari({ "contacts", "get", sandbox.SEED_CONTACT })
    assert.are.equal(2, status)
    assert.truthy(err:find("or set SAKARI_ACCOUNT_ID and give ID alone", 1, true), err)
    assert.are.equal("", out)
    status, out, err = sakari({ "contacts", "get" }, env)
    assert.are.equal(2, status)
    assert.are.equal("", out)
    assert.truthy(err:find("missing argument 'id'", 1, true), err)
    assert.are.same({}, sandbox.requests())
    local _, help = sakari({ "contacts", "get", "--help" })
    assert.truthy(help:find("Usage: sakari contacts get [-h] [<account>] <id>", 1, true), help)
  end)
end)
