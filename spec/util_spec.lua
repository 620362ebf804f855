-- Pure helpers: no core, no server.
local util = require "sakari.util"

describe("util.snippet", function()
  it("makes one short line out of an HTML page", function()
    local text = util.snippet("<html>\n<h1>Bad\tGateway</h1>\r\n" .. ("x"):rep(300) .. "</html>", 20, true)
    assert.equal("Bad Gateway xxxxxxxx...", text)
  end)

  it("keeps angle brackets in plain text", function()
    assert.equal("limit must be <= 100 and > 0", util.snippet("limit must be <= 100 and > 0"))
  end)

  it("does not cut a UTF-8 character in half", function()
    assert.equal("ab...", util.snippet("abé", 3))
  end)
end)

describe("util.strip_position", function()
  it("drops the position error() put in front, and leaves error objects alone", function()
    assert.equal("bad argument #1", util.strip_position("lua/sakari/x.lua:12: bad argument #1"))
    assert.equal("no position here: x.lua", util.strip_position("no position here: x.lua"))
    local object = {}
    assert.equal(object, util.strip_position(object))
  end)
end)
