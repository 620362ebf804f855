-- doc/sakari.txt: its function list is what scripts/gen_vimdoc.lua makes from
-- the endpoint table, :helptags accepts it, every |sakari...| link has its tag,
-- and :help finds it. Run from async_test.lua, inside its runner.
-- luacheck: globals vim
return function(runner)
  local check = runner.check
  local function test(name, fn) runner:test(name, fn) end
  local q = vim.fn.shellescape
  local FILE = "doc/sakari.txt"

  local text = assert(require("spec.support.fs").read(FILE), FILE)

  test("doc/sakari.txt: the function list is generated from the endpoint table, and up to date", function()
    local gen = dofile("scripts/gen_vimdoc.lua")
    local endpoints = require("sakari.resources").endpoints
    local updated, why = gen.update(text, endpoints)
    check(updated, "%s", tostring(why))
    check(updated == text, "%s is out of date: run lua5.4 scripts/gen_vimdoc.lua", FILE)
    for namespace, rows in pairs(endpoints) do
      for name in pairs(rows) do
        local tag = ("*sakari.%s.%s()*"):format(namespace, name)
        check(text:find(tag, 1, true), "no %s", tag)
      end
    end
    -- a change to the table shows: the section is made from it, not copied
    local changed = gen.update(text, { contacts = { list = { "GET", "/v1/x", answer = "page" } } })
    check(changed ~= text and changed:find("*sakari.contacts.list()*", 1, true) and
      not changed:find("*sakari.messages.send()*", 1, true), "the section does not follow the table")
  end)

  test("doc/sakari.txt: vimdoc that :helptags takes without an error, every link with its tag", function()
    check(text:match("^%*sakari%.txt%*"), "the first line does not start with *sakari.txt*")
    check(text:find("\n vim:tw=78:ts=8:noet:ft=help:norl:\n$"), "no modeline at the end")
    local long = {}
    for line in text:gmatch("[^\n]*") do
      if vim.fn.strdisplaywidth(line) > 78 then long[#long + 1] = line end
    end
    check(#long == 0, "lines over 78 columns:\n%s", table.concat(long, "\n"))
    local dir = vim.fn.tempname()
    vim.fn.mkdir(dir .. "/doc", "p")
    vim.fn.writefile(vim.split(text, "\n", { plain = true }), dir .. "/doc/sakari.txt", "b")
    local output = vim.fn.system(("nvim --headless --clean -i NONE -n -c %s -c 'qall!' </dev/null 2>&1")
      :format(q("helptags " .. dir .. "/doc")))
    check(vim.v.shell_error == 0 and not output:find("E%d+"), "helptags said: %s", output)
    local tags = {}
    for _, line in ipairs(vim.fn.readfile(dir .. "/doc/tags")) do
      local tag, file = line:match("^(%S+)\t(%S+)\t")
      check(file == "sakari.txt", "tags line: %s", line)
      tags[tag] = true
    end
    for tag in text:gmatch("%*([%w%.%-_():]+)%*") do
      check(tags[tag], "the tags file has no %s", tag)
    end
    for _, tag in ipairs { "sakari.txt", "sakari", "sakari.nvim", "sakari-install", "sakari-each", "sakari-health",
                           "sakari-callbacks", "sakari.contacts.each()", "sakari.nvim.new()" } do
      check(tags[tag], "no tag %s", tag)
    end
    for link in text:gmatch("|(sakari[^|%s]*)|") do
      check(tags[link], "|%s| links to no tag", link)
    end
    -- :help finds the file once it is on 'runtimepath', as a plugin manager puts it
    output = vim.fn.system(("nvim --headless --clean -i NONE -n --cmd %s -c 'help sakari' -c %s"
      .. " -c 'help sakari-each' -c %s -c 'qall!' </dev/null 2>&1"):format(q("set rtp^=" .. dir),
      q("lua io.stdout:write(vim.fn.expand('%:t'), ': ', vim.fn.getline('.'), '\\n')"),
      q("lua io.stdout:write(vim.fn.expand('%:t'), ': ', vim.fn.getline('.'), '\\n')")))
    check(output:find("sakari.txt: %s+%*sakari%* %*sakari%.nvim%*") and
      output:find("sakari.txt: 4%. PAGES: EACH%s+%*sakari%-each%*"), "help said: %s", output)
    vim.fn.delete(dir, "rf")
  end)
end
