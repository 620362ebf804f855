-- One call from request to result: token, send, read the answer, and on
-- failure refresh the token once or wait and repeat as the retry policy says.
-- The I/O is passed in (`io.send`, `io.sleep`, `io.wait`), so the same flow
-- runs blocking on a client's session or yielding inside a queue.
local core = require "sakari.core"
local errors = require "sakari.errors"
local retry = require "sakari.retry"

local M = {}

-- The envelope of a usable answer (true for a bodiless success), or nil, err.
-- r: core's result for the answer or its failure (request.h; a transport's
-- through core.answer). A raw_response request (a CSV report) gets { raw, headers }.
local function interpret(req, r)
  local method, path, status = req.method, req.path, r.status
  if not status then return nil, errors.transport(method, path, r) end
  if status == 204 then return true end
  local success = status >= 200 and status < 300
  if req.raw_response then
    if success then return { raw = r.body, headers = r.headers } end
    -- an error answer is still Sakari's JSON error envelope
    r = core.answer(status, r.headers, r.body)
  end
  local body, failure = r.body, r.kind == "decode" and r or nil
  if success then
    if type(body) ~= "table" then -- empty, not JSON, or not an object
      -- a success of the token endpoint that did not decode may still hold a
      -- new token: it is never quoted (its error answers are, they carry none)
      if failure and req.secret_response then failure = { excerpt = "not shown: the answer may hold a token" } end
      local what = body ~= nil and "response is JSON but not an object" or nil
      return nil, errors.decode(method, path, status, failure, what)
    end
    if body.success == false then return nil, errors.response(method, path, status, body) end
    return body
  end
  local err = errors.response(method, path, status, body, failure)
  if status == 429 or status == 503 then err.retry_after = retry.retry_after(r.headers["retry-after"]) end
  return nil, err
end

-- ctx: { base_url, headers, auth (false for the token request itself), settings, timeout,
--        connect_timeout, want_headers, on_request, on_response, redact(err, token) }
-- req: { method, path, query, raw_body (bytes) + content_type | multipart, raw_response,
--        accept, retry, idempotent, secret_response, timeout, connect_timeout, settings }
function M.run(ctx, req, io)
  local settings = ctx.settings
  if req.settings then -- this call's retry settings (a table of its own) over the client's
    settings = setmetatable(req.settings, { __index = ctx.settings })
  end
  -- req, this call's own table, becomes the request core sends (request.h)
  local headers = {} -- the client's fixed ones, and this attempt's token below
  for name, value in pairs(ctx.headers) do headers[name] = value end
  if req.accept then headers.Accept = req.accept end
  req.url, req.headers = ctx.base_url .. req.path, headers
  req.want_headers = ctx.want_headers -- the debug line's bytes (content-length)
  req.timeout = req.timeout or ctx.timeout
  req.connect_timeout = req.connect_timeout or ctx.connect_timeout
  -- libcurl resends on a reused connection that died early; never for these
  req.fresh_connect = req.retry == "never" or nil
  local attempt, refreshed = 0, false
  while true do
    local token, envelope, err
    if ctx.auth then
      token, err = ctx.auth:get(io)
      if not token then return nil, err end
      -- one header string per token, not one per request
      if ctx.bearer_for ~= token then ctx.bearer_for, ctx.bearer = token, "Bearer " .. token end
      headers.Authorization = ctx.bearer
    end
    attempt = attempt + 1
    if ctx.on_request then ctx.on_request { method = req.method, path = req.path, attempt = attempt } end
    local started = ctx.on_response and core.now()
    local r = io.send(req)
    local status = r.status
    envelope, err = interpret(req, r)
    if started then
      ctx.on_response {
        method = req.method, path = req.path, status = status, attempt = attempt,
        elapsed = core.now() - started, code = err and err.code or nil,
        bytes = r.headers and tonumber(r.headers["content-length"]) or nil,
      }
    end
    if envelope ~= nil then return envelope end
    ctx.redact(err, token)
    if status == 401 and ctx.auth and ctx.auth.fetch and not refreshed then
      -- the token may have been revoked or expired early: one fresh token, one repeat
      refreshed = true
      ctx.auth:invalidate(token)
    else
      -- the repeat after a refresh is not a retry: it does not use up max_retries
      local tries = attempt - (refreshed and 1 or 0)
      local delay = retry.delay(req, err, tries, settings)
      -- a 429 tells the calls beside this one to slow down too, even if it will not repeat
      if status == 429 and io.throttle then io.throttle(delay or retry.wait(err, tries, settings)) end
      if not delay then return nil, err end
      io.sleep(delay)
    end
  end
end

return M
