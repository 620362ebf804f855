--- A transport for nginx with lua-nginx-module (OpenResty, or Debian's nginx +
-- libnginx-mod-http-lua): each request is a subrequest (ngx.location.capture)
-- into an internal location that proxy_passes to Sakari, so nginx's own
-- upstream client does the I/O and the worker serves other requests meanwhile.
-- docs/openresty.md has the rest: the nginx/*.conf files to include, why
-- base_url decides the upstream and the location's timeouts apply, the phases,
-- and which failure is which code.
-- @module sakari.transport.nginx

-- luacheck: globals ngx
local M = {}

M.DEFAULT_LOCATION = "/_sakari"

-- request header (lower case) -> the nginx variable the location sends it from
M.DEFAULT_VARIABLES = {
  authorization = "sakari_authorization", accept = "sakari_accept",
  ["content-type"] = "sakari_content_type", ["user-agent"] = "sakari_user_agent",
}
M.URI_VARIABLE = "sakari_uri"
-- scheme://host[:port] of the request's URL, for the location's proxy_pass
M.UPSTREAM_VARIABLE = "sakari_upstream"

-- where the header filter leaves { addr = $upstream_addr, sent =
-- $upstream_bytes_sent }, in the subrequest's ngx.ctx
M.CTX_KEY = "sakari_upstream"

local CAPTURE_PHASES = { rewrite = true, access = true, content = true }
local SLEEP_PHASES = { rewrite = true, access = true, content = true, timer = true,
  ssl_cert = true, ssl_session_fetch = true, ssl_client_hello = true }
local BODY_METHODS = { POST = true, PUT = true, PATCH = true }

local function failure(code, message)
  return { code = code, message = "sakari.transport.nginx: " .. message }
end

-- nginx's own answer to the subrequest (an error status, no body, the capture
-- marked truncated; not Sakari's, whose 502 and 504 come back as they are): a
-- transport failure. upstream: what the header filter saw (nil without it):
-- addr ("" when nginx had no address to try), sent ("0", "127", or "0, 0" when
-- nginx tried several servers). A certificate that fails verification is a
-- "connect": nothing was sent.
local function nginx_failure(status, upstream)
  if status == 504 then return failure("timeout", "the upstream timed out (proxy_*_timeout of the location)") end
  if status == 502 then
    if upstream and upstream.addr == "" then
      return failure("dns", "nginx could not resolve base_url's host (a `resolver` in nginx.conf?"
        .. " see its error log)")
    end
    local sent = tostring(upstream and upstream.sent or "")
    if sent:find("%d") and not sent:find("[1-9]") then
      -- every count is 0: not one byte left nginx, safe to repeat, even a POST
      return failure("connect", "nginx could not connect to the upstream (see its error log)")
    end
    -- the request may have reached Sakari: a lost answer, repeated only where that is safe
    return failure("transport", "the upstream connection failed (see nginx's error log)")
  end
  return failure("transport", ("nginx answered the subrequest with %d itself: is the location configured?")
    :format(status))
end

-- A header nginx received more than once comes as a table of its values.
local function flatten(headers)
  for name, value in pairs(headers) do
    if type(value) == "table" then headers[name] = table.concat(value, ", ") end
  end
  return headers
end

-- One answer of a multi's poll: the result send returned (under pcall or
-- ngx.thread.wait), or the error it raised, with the id add gave.
local function answer(id, ok, result)
  if not ok then result = { kind = "transport", reason = "sakari.transport.nginx: " .. tostring(result) } end
  result.id = id
  return result
end

--- The transport, for `sakari.new{ transport = ... }`.
-- @tparam[opt] table opts
-- @tparam[opt="/_sakari"] string opts.location the internal location's prefix
-- @tparam[opt] table opts.variables more headers, `{ ["X-Header"] = "nginx_variable" }`, if the
--   client ever sends any (the four defaults are always there)
-- @treturn table the transport: `request`, `sleep` (ngx.sleep) and `multi` (for batch and queue)
-- @usage local client = require("sakari").new { transport = require("sakari.transport.nginx").new() }
function M.new(opts)
  if type(ngx) ~= "table" or type(ngx.location) ~= "table" then
    error("sakari.transport.nginx.new: needs nginx with lua-nginx-module (OpenResty, libnginx-mod-http-lua)", 2)
  end
  opts = opts == nil and {} or opts
  if type(opts) ~= "table" then error("sakari.transport.nginx.new: options: expected a table", 2) end
  for key in pairs(opts) do
    if key ~= "location" and key ~= "variables" then
      error(("sakari.transport.nginx.new: unknown option '%s' (accepted: location, variables)")
        :format(tostring(key)), 2)
    end
  end
  local location = opts.location or M.DEFAULT_LOCATION
  if type(location) ~= "string" or not location:find("^/") or location:find("[%s?#]") then
    error("sakari.transport.nginx.new: location: expected a path such as \"/_sakari\"", 2)
  end
  location = location:gsub("/+$", "")
  local variables = {}
  for header, variable in pairs(M.DEFAULT_VARIABLES) do variables[header] = variable end
  if opts.variables ~= nil and type(opts.variables) ~= "table" then
    error("sakari.transport.nginx.new: variables: expected a table of header name -> variable name", 2)
  end
  for header, variable in pairs(opts.variables or {}) do
    if type(header) ~= "string" or type(variable) ~= "string" or not variable:find("^[%w_]+$") then
      error("sakari.transport.nginx.new: variables: expected header name -> variable name strings", 2)
    end
    variables[header:lower()] = variable
  end

  local t = {}

  function t.request(req)
    local phase = ngx.get_phase()
    if not CAPTURE_PHASES[phase] then
      return nil, failure("transport", ("no subrequests in the %s phase (only rewrite, access and content): "
        .. "call Sakari from a content handler, or from ngx.timer.at with a cosocket transport"):format(phase))
    end
    local method = ngx["HTTP_" .. tostring(req.method)]
    if type(method) ~= "number" then
      return nil, failure("transport", "no subrequest method for " .. tostring(req.method))
    end
    -- proxy_pass takes scheme://host[:port] as nginx parses it, and what
    -- follows (path and query) as given
    local upstream, target = req.url:match("^(%a[%w+.-]*://[^/?#]*)(.*)$")
    if not (upstream and upstream:find("^https?://[%w._:%[%]-]+$")) then
      -- not the URL itself: it may hold a password
      return nil, failure("transport", "base_url: expected http(s)://host[:port]/... (no user:password@)")
    end
    if target == "" or target:sub(1, 1) == "?" then target = "/" .. target end

    local vars = { [M.URI_VARIABLE] = target, [M.UPSTREAM_VARIABLE] = upstream }
    for _, variable in pairs(variables) do vars[variable] = "" end
    for name, value in pairs(req.headers or {}) do
      local variable = variables[name:lower()]
      if not variable then
        return nil, failure("transport", ("no variable for the header %s: add it to variables, and a "
          .. "proxy_set_header for it to the location"):format(name))
      end
      vars[variable] = value
    end

    local sent = req.body
    -- else the subrequest would forward the client's own request body
    if sent == nil and BODY_METHODS[req.method] then sent = "" end
    local ctx = {} -- the subrequest's ngx.ctx, for header_filter
    local res = ngx.location.capture(location .. target, { method = method, vars = vars, ctx = ctx, body = sent })

    local body = res.body or ""
    if res.truncated and body == "" and res.status >= 400 then
      return nil, nginx_failure(res.status, ctx[M.CTX_KEY])
    end
    if res.truncated then
      return nil, failure("transport", "response body truncated (the upstream connection broke)")
    end
    return res.status, flatten(res.header), body
  end

  -- Waiting between retries suspends this request only; where nginx cannot
  -- sleep, no request could have been sent either, so there is nothing to wait for.
  function t.sleep(seconds)
    if SLEEP_PHASES[ngx.get_phase()] then ngx.sleep(seconds) end
  end

  -- The multi of a queue or batch (transport.lua): add collects requests, poll
  -- sends all it has collected at once, one light thread each, and returns
  -- every answer (or, with none collected, waits). send is the client's own
  -- single request through t.request.
  function t.multi(send)
    local collected, next_id = {}, 0
    local multi = {}
    function multi.add(_, request)
      next_id = next_id + 1
      collected[#collected + 1] = { id = next_id, request = request }
      return next_id
    end
    function multi.pending() return #collected end
    function multi.poll(_, wait)
      local items = collected
      collected = {}
      -- nothing to send: wait as asked, without holding up the worker
      if #items == 0 then
        if wait and wait > 0 then t.sleep(wait) end
        return {}
      end
      local threads, results = {}, {}
      -- no light threads where there are no subrequests: t.request says why
      local spawn = CAPTURE_PHASES[ngx.get_phase()]
      for i, item in ipairs(items) do
        if spawn then
          threads[i] = ngx.thread.spawn(send, item.request)
        else
          results[i] = answer(item.id, pcall(send, item.request))
        end
      end
      for i, thread in pairs(threads) do results[i] = answer(items[i].id, ngx.thread.wait(thread)) end
      return results
    end
    function multi.close() collected = {} end
    return multi
  end

  return t
end

--- For `header_filter_by_lua` in the location (nginx/sakari_server.conf does it): records which
-- upstream address nginx tried and how many bytes it sent there, so a failure can say whether
-- anything reached Sakari.
function M.header_filter()
  ngx.ctx[M.CTX_KEY] = { addr = ngx.var.upstream_addr or "", sent = ngx.var.upstream_bytes_sent }
end

return M
