-- The default names of the files a bulk run writes: a failures file fed back
-- gets a numbered sibling, never a longer name.
local files = require "sakari.cli.files"

describe("sakari.cli.files", function()
  it("names the failures file of an input, and of a failures file fed back", function()
    for input, expected in pairs {
      ["bulk50.csv"] = "bulk50.failed.csv",
      ["bulk50.failed.csv"] = "bulk50.failed.2.csv",
      ["bulk50.failed.2.csv"] = "bulk50.failed.3.csv",
      ["bulk50.failed.9.csv"] = "bulk50.failed.10.csv",
      ["dir.v2/data"] = "dir.v2/data.failed",
      ["./x/fix.CSV"] = "./x/fix.failed.CSV",
      ["a.failed.csv.txt"] = "a.failed.csv.failed.txt",
      [".csv"] = ".csv.failed",
      ["run.journal.jsonl"] = "run.journal.failed.jsonl",
      ["run.journal.failed.jsonl"] = "run.journal.failed.2.jsonl",
    } do
      assert.are.equal(expected, files.failures_name(input), input)
    end
  end)

  it("offers journal names next to the failures file, numbered after the first", function()
    local function nth(n) return files.journal_name("bulk50.failed.2.csv", "journal", n) end
    assert.are.same({ "bulk50.journal.jsonl", "bulk50.journal.2.jsonl", "bulk50.journal.3.jsonl" },
      { nth(1), nth(2), nth(3) })
    assert.are.equal("run.journal.restore.jsonl", files.journal_name("run.journal.failed.jsonl", "restore", 1))
  end)
end)
