-- The default names of the files a bulk run writes: a failures file fed back
-- gets a numbered sibling, never a longer name.
local names = require "sakari.cli.names"

describe("sakari.cli.names", function()
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
      assert.are.equal(expected, names.failures(input), input)
    end
  end)

  it("offers journal names next to the failures file, numbered after the first", function()
    local next_name = names.journals("bulk50.failed.2.csv", "journal")
    assert.are.same({ "bulk50.journal.jsonl", "bulk50.journal.2.jsonl", "bulk50.journal.3.jsonl" },
      { next_name(), next_name(), next_name() })
    assert.are.equal("run.journal.restore.jsonl", names.journals("run.journal.failed.jsonl", "restore")())
  end)
end)
