-- The plugin-manager install: a fresh copy of the repository (the files git
-- tracks, no build/), `make nvim` in it as a `build = "make nvim"` hook runs
-- it, then Neovims with only that copy on 'runtimepath': :checkhealth sakari
-- before and after the build, with and without credentials, and a call
-- against the sandbox. Run from async_test.lua, inside its runner.
-- luacheck: globals vim
return function(runner, sandbox)
  local say, check = runner.say, runner.check
  local function test(name, fn) runner:test(name, fn) end
  local root = vim.fn.getcwd()
  local dir = vim.fn.tempname() .. "-sakari-plugin"
  local home = dir .. "-home"
  local q = vim.fn.shellescape

  local function sh(command)
    local output = vim.fn.system(command)
    return vim.v.shell_error, output
  end

  -- A Neovim with no config and only `dir` on 'runtimepath', in an empty
  -- environment but for env, from a neutral directory; returns its stdout.
  local function child(env, commands, pre)
    local parts = { "cd / && env -i", "PATH=" .. q(os.getenv("PATH")), "HOME=" .. q(home) }
    for name, value in pairs(env) do parts[#parts + 1] = name .. "=" .. q(value) end
    parts[#parts + 1] = "timeout 60 nvim --headless --clean -i NONE -n --cmd " .. q("set rtp^=" .. dir)
    if pre then parts[#parts + 1] = "--cmd " .. q(pre) end
    for _, command in ipairs(commands) do parts[#parts + 1] = "-c " .. q(command) end
    parts[#parts + 1] = "-c 'qall!' </dev/null 2>&1"
    local _, output = sh(table.concat(parts, " "))
    return output
  end

  local function checkhealth(env, pre, setup)
    local commands = {
      "checkhealth sakari",
      "lua io.stdout:write(table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\\n'), '\\n')",
    }
    if setup then table.insert(commands, 1, setup) end
    return child(env, commands, pre)
  end

  local function has(text, part) return text:find(part, 1, true) ~= nil end
  local function show(text) return "\n" .. text end

  local credentials = { SAKARI_API_URL = sandbox.url(), SAKARI_ACCESS_TOKEN = sandbox.TOKEN }

  test("install: a fresh copy of the repository, without any build", function()
    local rc, output = sh(("mkdir -p %s %s && cd %s && git ls-files -z --cached --others --exclude-standard"
      .. " | xargs -0 tar -cf - --ignore-failed-read 2>/dev/null | tar -xf - -C %s"):format(q(dir), q(home),
      q(root), q(dir)))
    check(rc == 0, "copy failed: %s", output)
    check(vim.fn.filereadable(dir .. "/Makefile") == 1 and vim.fn.filereadable(dir .. "/lua/sakari/nvim.lua") == 1,
      "the copy has no Makefile or lua/sakari/nvim.lua")
    check(vim.fn.isdirectory(dir .. "/build") == 0 and vim.fn.filereadable(dir .. "/lua/sakari/core.so") == 0,
      "the copy has a build")
  end)

  test(":checkhealth sakari with no core anywhere says to run make nvim", function()
    local output = checkhealth(credentials)
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "ERROR: sakari.core not found") and has(output, "build = \"make nvim\""), show(output))
  end)

  test(":checkhealth sakari with a Lua 5.4 core first on package.cpath names the mismatch", function()
    local build54 = root .. "/build/lua5.4"
    check(vim.fn.filereadable(build54 .. "/sakari/core.so") == 1, "no %s/sakari/core.so (scripts/setup.sh)", build54)
    local output = checkhealth(credentials, ("lua package.cpath = %q .. package.cpath"):format(build54 .. "/?.so;"))
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "ERROR: " .. build54 .. "/sakari/core.so was built for Lua 5.4, this Neovim runs LuaJIT"
      .. " (5.1 ABI): rebuild with make nvim"), show(output))
    check(not has(output, "OK: sakari.core"), show(output))
  end)

  test("make nvim without the LuaJIT headers says which package to install, and builds nothing", function()
    local rc, output = sh("PKG_CONFIG_LIBDIR=/nonexistent make -C " .. q(dir) .. " nvim 2>&1")
    check(rc ~= 0 and has(output, "make nvim: LuaJIT headers not found (pkg-config luajit): install "
      .. "libluajit2-5.1-dev"), "rc %d, output:\n%s", rc, output)
    check(vim.fn.filereadable(dir .. "/lua/sakari/core.so") == 0 and vim.fn.isdirectory(dir .. "/build") == 0,
      "something was built")
  end)

  test("make nvim builds lua/sakari/core.so inside the copy", function()
    local started = vim.loop.hrtime()
    local rc, output = sh("make -C " .. q(dir) .. " nvim 2>&1")
    say(("     make nvim took %.1f s"):format((vim.loop.hrtime() - started) / 1e9))
    check(rc == 0, "make nvim failed:\n%s", output)
    check(has(output, "make nvim: built lua/sakari/core.so"), "output:\n%s", output)
    check(vim.fn.filereadable(dir .. "/lua/sakari/core.so") == 1, "no lua/sakari/core.so")
    check(vim.fn.filereadable(dir .. "/lua/sakari/core.so.new") == 0, "the temporary copy was left behind")
  end)

  test(":checkhealth sakari after make nvim, with credentials: all OK, the token never shown", function()
    sandbox.reset()
    local output = checkhealth(credentials)
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "OK: sakari.core " .. require("sakari").VERSION .. " loads from " .. dir
      .. "/lua/sakari/core.so, built for Lua 5.1; this Neovim runs LuaJIT"), show(output))
    check(output:find("OK: libcurl/%d+%.%d+%.%d+, TLS by %S+") ~= nil, show(output))
    check(has(output, "OK: SAKARI_ACCESS_TOKEN set: a static token"), show(output))
    check(has(output, "OK: GET /v1/accounts: HTTP 200 in "), show(output))
    check(not has(output, "ERROR") and not has(output, "WARNING"), show(output))
    check(not has(output, sandbox.TOKEN), "the token is shown: %s", show(output))
    local requests = sandbox.requests()
    check(#requests == 1 and requests[1].path == "/v1/accounts?limit=1", "requests: %s",
      vim.inspect(sandbox.request_lines()))
    check(requests[1].headers.authorization == "Bearer " .. sandbox.TOKEN, "the probe was not authenticated")
  end)

  test(":checkhealth sakari without credentials: a warning, and the server answers 401", function()
    local output = checkhealth { SAKARI_API_URL = sandbox.url() }
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "OK: sakari.core"), show(output))
    check(has(output, "WARNING: no credentials in the environment"), show(output))
    check(has(output, "SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET"), show(output))
    check(has(output, "OK: GET /v1/accounts without credentials: HTTP 401 in "), show(output))
    check(not has(output, "ERROR"), show(output))
  end)

  test(":checkhealth sakari with nothing set asks the default API, https://api.sakari.io", function()
    local output = checkhealth {}
    -- no network here: whether it answers depends on the machine, the address does not
    check(has(output, "## sakari: the API at https://api.sakari.io\n"), show(output))
    check(has(output, "GET /v1/accounts without credentials: HTTP ") or
      has(output, "ERROR: GET https://api.sakari.io/v1/accounts: no answer after "), show(output))
  end)

  test(":checkhealth sakari with a refused token: an error that never shows it", function()
    local token = "refused-token-7f3a9c"
    local output = checkhealth { SAKARI_API_URL = sandbox.url(), SAKARI_ACCESS_TOKEN = token }
    check(has(output, "ERROR: GET /v1/accounts failed") and has(output, "401"), show(output))
    check(has(output, "the server refused the credentials"), show(output))
    check(not has(output, token), "the token is shown: %s", show(output))
  end)

  test(":checkhealth sakari with the credentials in a plugin's sakari.nvim config: asks through its client", function()
    sandbox.reset()
    local output = checkhealth({ PLUGIN_URL = sandbox.url(), PLUGIN_TOKEN = sandbox.TOKEN }, nil,
      "lua plugin_client = require('sakari.nvim').new { base_url = os.getenv('PLUGIN_URL'),"
        .. " access_token = os.getenv('PLUGIN_TOKEN') }")
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "OK: a sakari.nvim client made in this session has access_token in its config"), show(output))
    check(has(output, "INFO: no credentials in the environment"), show(output))
    check(has(output, "## sakari: the API, through that sakari.nvim client"), show(output))
    check(has(output, "OK: GET /v1/accounts: HTTP 200 in "), show(output))
    check(not has(output, "ERROR") and not has(output, "WARNING"), show(output))
    check(not has(output, sandbox.TOKEN), "the token is shown: %s", show(output))
    local requests = sandbox.requests()
    check(#requests == 1 and requests[1].path == "/v1/accounts?limit=1" and
      requests[1].headers.authorization == "Bearer " .. sandbox.TOKEN, "requests: %s",
      vim.inspect(sandbox.request_lines()))
  end)

  test("the installed copy alone: require('sakari.nvim') and a call against the sandbox", function()
    sandbox.reset()
    local script = home .. "/call.lua"
    local file = assert(io.open(script, "w"))
    file:write([[
local s = require("sakari.nvim").new()
local done
s.contacts.get("sandbox-account", "seed-contact", function(contact, err) done = { contact = contact, err = err } end)
vim.wait(10000, function() return done ~= nil end, 10)
local source = debug.getinfo(require("sakari.nvim").new, "S").source
io.stdout:write("lua: ", source, "\n")
io.stdout:write("core: ", tostring(vim.api.nvim_get_runtime_file("lua/sakari/core.so", false)[1]), "\n")
io.stdout:write("result: ", done and done.contact and (done.contact.id .. " " .. done.contact.mobile.lineType)
  or tostring(done and done.err), "\n")
s.close()
]])
    file:close()
    local output = child(credentials, { "luafile " .. script })
    say("     " .. output:gsub("\n", "\n     "))
    check(has(output, "lua: @" .. dir .. "/lua/sakari/nvim.lua"), show(output))
    check(has(output, "core: " .. dir .. "/lua/sakari/core.so"), show(output))
    check(has(output, "result: seed-contact mobile"), show(output))
    local lines = sandbox.request_lines()
    check(#lines == 1 and lines[1] == "GET /v1/accounts/sandbox-account/contacts/seed-contact", "requests: %s",
      vim.inspect(lines))
  end)

  sh("rm -rf " .. q(dir) .. " " .. q(home))
end
