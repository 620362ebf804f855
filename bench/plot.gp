# bench/results.png from the medians bench.py writes: one panel per latency,
# requests per second per client on a log scale, the number above each bar.
#   gnuplot -e "datafile='results.dat'; outfile='results.png'" bench/plot.gp
# datafile columns: "label" rate_0ms rate_20ms group (1 raw C, 2 lua-sakari, 3 peers)
# "text_0ms" "text_20ms" y_0ms y_20ms (the number shown above each bar, and where);
# a rate is NaN and its text "n/a" where the client is n/a.
set terminal pngcairo size 1500,780 font "DejaVu Sans,11" noenhanced
set output outfile
set multiplot layout 1,2 title "lua-sakari bench: PUT /v1/accounts/{acc}/contacts/{id} against nginx on loopback (median of rounds; higher is better)" font ",13"

set style fill solid 0.85 border -1
set boxwidth 0.7
set logscale y 10
set format y "%.0s%c"
set grid ytics mytics lw 0.5 lc rgb "#dddddd"
set ylabel "requests per second (log scale)"
set xtics rotate by -35 left nomirror font ",10"
set xrange [-0.6:7.6]
set bmargin 10
set lmargin 10
set key top right font ",10"

color(g) = (g == 1) ? 0x555555 : (g == 2) ? 0x2a6fc9 : 0xe08a2c

set title "no added latency"
set yrange [10:300000]
plot datafile using 0:2:(color($4)):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:7:5 with labels font ",10" notitle, \
     NaN with boxes lc rgb "#555555" title "raw C (libcurl)", \
     NaN with boxes lc rgb "#2a6fc9" title "lua-sakari", \
     NaN with boxes lc rgb "#e08a2c" title "what Lua/Python users have today"

set title "20 ms answer latency (ngx.sleep(0.02) in nginx)"
set yrange [10:10000]
plot datafile using 0:3:(color($4)):xtic(1) with boxes lc rgb variable notitle, \
     '' using 0:8:6 with labels font ",10" notitle, \
     NaN with boxes lc rgb "#555555" title "raw C (libcurl)", \
     NaN with boxes lc rgb "#2a6fc9" title "lua-sakari", \
     NaN with boxes lc rgb "#e08a2c" title "what Lua/Python users have today"

unset multiplot
