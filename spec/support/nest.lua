-- A table nested n levels deep ({x = {x = ...}}), for the depth limits of JSON.
return function(n)
  local root = {}
  local t = root
  for _ = 2, n do
    t.x = {}
    t = t.x
  end
  return root
end
