-- Bodies that are not JSON: contact imports (CSV up), shared files (bytes up,
-- raw or multipart) and message reports (CSV down).
local sandbox = require "spec.support.sandbox"
local csv = require "sakari.csv"

local ACC = sandbox.ACCOUNT
local CONTACTS = "/v1/accounts/" .. ACC .. "/contacts"

describe("rows naming a function of another module (looked up when the call is made)", function()
  local function each_row(key, module)
    local seen = 0
    for namespace, rows in pairs(require("sakari.resources").endpoints) do
      for name, row in pairs(rows) do
        if row[key] then
          seen = seen + 1
          assert.is_function(module[row[key]], ("%s.%s: %s %s"):format(namespace, name, key, tostring(row[key])))
        end
      end
    end
    return seen
  end

  it("upload: a function of upload.lua", function()
    assert.is_true(each_row("upload", require "sakari.upload") >= 2)
  end)

  it("check: a function of checks.lua", function()
    assert.is_true(each_row("check", require "sakari.checks") >= 2)
  end)
end)

describe("contacts.import", function()
  local client = sandbox.each_client()

  it("sends rows as CSV, quoting what needs it", function()
    local result = assert(client.contacts.import(ACC, {
      { "firstName", "lastName", "mobile", "country", "note" },
      { "Ada", "Lovelace, Countess", 15553330001, "US", 'says "hi"' },
      { "Bob", "", "+15553330002", "US", "two\nlines" },
    }, { mergeStrategy = "core" }))
    local request = sandbox.requests()[1]
    assert.equal("POST", request.method)
    assert.equal(CONTACTS .. "?mergeStrategy=core", request.path)
    assert.equal("text/csv", request.headers["content-type"])
    assert.equal('firstName,lastName,mobile,country,note\r\n'
      .. 'Ada,"Lovelace, Countess",15553330001,US,"says ""hi"""\r\n'
      .. 'Bob,,+15553330002,US,"two\nlines"\r\n', request.body)
    assert.equal(2, result.inserted)
    assert.equal("Lovelace, Countess", result.contacts[1].lastName)
    assert.equal('says "hi"', result.contacts[1].attributes.note)
    assert.equal("two\nlines", result.contacts[2].attributes.note)
  end)

  it("updates by mobile number and reports the rows it refused", function()
    local result = assert(client.contacts.import(ACC,
      "mobile,firstName\n123-456-7890,Christopher\nnot-a-number,Nobody\n"))
    assert.equal(0, result.inserted)
    assert.equal(1, result.updated)
    assert.equal(2, result.submitted)
    assert.equal(2, result.errors[1].row)
    assert.equal("CONT-001", result.errors[1].code)
    assert.equal("Christopher", assert(client.contacts.get(ACC, sandbox.SEED_CONTACT)).firstName)
  end)

  it("returns the server's refusal of a CSV without a mobile column", function()
    local result, err = client.contacts.import(ACC, "firstName\nAda\n")
    assert.is_nil(result)
    assert.equal(400, err.status)
    assert.matches("mobile", err.message)
  end)

  it("refuses what cannot be CSV before sending", function()
    assert.usage_error(function() client.contacts.import(ACC, 42) end,
      "bad argument #2 to 'contacts.import' (csv: expected CSV text or rows, got number)")
    assert.usage_error(function() client.contacts.import(ACC, "") end,
      "bad argument #2 to 'contacts.import' (csv: expected CSV text or rows, got empty string)")
    assert.usage_error(function() client.contacts.import(ACC, { { "mobile" }, { {} } }) end,
      "bad argument #2 to 'contacts.import' (csv: row 2, cell 1: expected a string, number or boolean, got table)")
    assert.usage_error(function() client.contacts.import(ACC, {}) end,
      "bad argument #2 to 'contacts.import' (csv: expected a header row)")
    assert.same({}, sandbox.requests())
  end)
end)

describe("tools.share_file", function()
  local client = sandbox.each_client()
  local BYTES = "\137PNG\r\n\26\n\0\0\0\rIHDR" .. ("\0\255"):rep(300)

  it("uploads raw bytes as application/octet-stream", function()
    local shared = assert(client.tools.share_file(BYTES))
    local request = sandbox.requests()[1]
    assert.equal("POST /v1/tools/sharefile", request.method .. " " .. request.path)
    assert.equal("application/octet-stream", request.headers["content-type"])
    assert.equal(tostring(#BYTES), request.headers["content-length"])
    local stored = sandbox.file(shared.link)
    assert.equal(BYTES, stored)
  end)

  it("uploads a multipart form with the file in the field media", function()
    local shared = assert(client.tools.share_file({ data = BYTES, filename = "logo.png", content_type = "image/png" }))
    local request = sandbox.requests()[1]
    assert.matches("^multipart/form%-data; boundary=", request.headers["content-type"])
    assert.truthy(request.body:find('name="media"; filename="logo.png"', 1, true))
    assert.truthy(request.body:find("Content-Type: image/png", 1, true))
    local stored, content_type = sandbox.file(shared.link)
    assert.equal(BYTES, stored)
    assert.equal("image/png", content_type)
  end)

  it("gives a multipart part a filename when none is given", function()
    assert.truthy(client.tools.share_file({ data = "hello" }))
    assert.truthy(sandbox.requests()[1].body:find('name="media"; filename="file"', 1, true))
  end)

  it("refuses what is not a file before sending", function()
    assert.usage_error(function() client.tools.share_file() end,
      "bad argument #1 to 'tools.share_file' (file: expected the file's bytes (a string) or "
      .. "{data, filename?, content_type?}, got nil)")
    assert.usage_error(function() client.tools.share_file("") end,
      "bad argument #1 to 'tools.share_file' (file: the file is empty)")
    assert.usage_error(function() client.tools.share_file({ data = "" }) end,
      "bad argument #1 to 'tools.share_file' (file: the file is empty)")
    assert.usage_error(function() client.tools.share_file({ bytes = "x" }) end,
      "bad argument #1 to 'tools.share_file' (file: data: expected the file's bytes (a string), got nil)")
    assert.usage_error(function() client.tools.share_file({ data = "x", name = "a" }) end,
      "bad argument #1 to 'tools.share_file' (file: unknown key 'name' (accepted: content_type, data, filename))")
    assert.usage_error(function() client.tools.share_file({ data = "x", filename = 'a"b' }) end,
      "bad argument #1 to 'tools.share_file' (file: filename: expected a non-empty string without quotes "
      .. "or control characters)")
    assert.same({}, sandbox.requests())
  end)
end)

describe("reports.messages", function()
  local client = sandbox.each_client()
  local TODAY = os.date("!%Y-%m-%d")

  it("asks for CSV and reads the columns by name", function()
    sandbox.inbound { mobile = "+15553330010", message = "in" }
    assert.truthy(client.messages.send(ACC, {
      contacts = { { mobile = { number = "+15553330010" } } }, template = "out",
    }))
    sandbox.clear_requests()
    local records, header = assert(client.reports.messages(ACC, { start = TODAY, ["end"] = TODAY }))
    assert.equal("text/csv, application/json", sandbox.requests()[1].headers.accept)
    assert.equal(8, #header)
    assert.equal(2, #records)
    assert.equal("inbound", records[1].direction)
    assert.equal("outbound", records[2].direction)
    assert.equal("+15553330010", records[2].to)
    assert.equal("1", records[2].segments) -- CSV cells stay text
  end)

  it("gives an empty list for a day without messages", function()
    local records, header = assert(client.reports.messages(ACC, { start = "2020-01-01", ["end"] = "2020-01-02" }))
    assert.same({}, records)
    assert.equal("id", header[1])
  end)

  it("reads an error answer as the usual error", function()
    local records, err = client.reports.messages(ACC, { start = "2024-02-01", ["end"] = "2024-01-01" })
    assert.is_nil(records)
    assert.equal(400, err.status)
    assert.equal("REQ-002", err.code)
    assert.matches("start must not be after end", err.message)
  end)

  it("reads a JSON success = false as an error even with status 200", function()
    sandbox.fault({ method = "GET", status = 200,
                    body = '{"success":false,"error":{"code":"RPT-001","message":"Too soon"}}' })
    local records, err = client.reports.messages(ACC, { start = TODAY, ["end"] = TODAY })
    assert.is_nil(records)
    assert.equal("RPT-001", err.code)
    assert.equal("Too soon", err.message)
  end)

  it("hands over the data of a JSON answer, should Sakari answer JSON", function()
    sandbox.fault({ method = "GET", status = 200, body = '{"success":true,"data":[{"id":"m1"}]}' })
    local data = assert(client.reports.messages(ACC, { start = TODAY, ["end"] = TODAY }))
    assert.same({ { id = "m1" } }, data)
  end)
end)

describe("csv", function()
  it("reads quotes, doubled quotes, line breaks in cells, CRLF and LF", function()
    assert.same({ { "a", "b,c", 'd"e' }, { "1", "two\r\nlines", "" } },
      csv.decode('a,"b,c","d""e"\r\n1,"two\r\nlines",\n'))
    assert.same({ { "x" } }, csv.decode("\239\187\191x"))
    assert.same({}, csv.decode(""))
    local rows, err = csv.decode('a,"open')
    assert.is_nil(rows)
    assert.equal("unterminated quoted field", err)
  end)

  it("writes what it reads back", function()
    local rows = { { "h1", "h2" }, { " lead", "trail " }, { "a,b", 'q"q' }, { "", "x" } }
    assert.same(rows, csv.decode(assert(csv.encode(rows))))
  end)

  it("keys records by the header and skips blank lines", function()
    local records, header = csv.records("id,status\r\n1,Sent\r\n\r\n2,Queued\r\n")
    assert.same({ "id", "status" }, header)
    assert.same({ { id = "1", status = "Sent" }, { id = "2", status = "Queued" } }, records)
  end)
end)
