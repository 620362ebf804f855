/*
 * The ceiling: the same PUT as `client.contacts.update`, driven straight from C.
 *
 *   raw_curl URL BODY_FILE N CONCURRENCY
 *
 * CONCURRENCY 1: one reused easy handle, curl_easy_perform in a loop (row 1).
 * CONCURRENCY k > 1: a multi handle with k reused easy handles, k transfers in
 * flight until N have finished (row 2).
 *
 * Before the timed loop each handle does one untimed request, so the timed part
 * runs on open keep-alive connections, as the module's loop does after its first
 * call. The response body is collected in memory (never parsed: the ceiling does
 * no JSON work). Prints one JSON line: requests, wall seconds, CPU seconds
 * (getrusage of this process), peak RSS in kB (VmHWM), errors.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct sink {
  char *data;
  size_t len, cap;
};

struct handle {
  CURL *easy;
  struct sink body;
};

static const char *body_json;
static long body_len;
static struct curl_slist *headers;
static long errors;

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
  struct sink *s = ud;
  size_t add = size * n;
  if (s->len + add > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 4096;
    while (cap < s->len + add) cap *= 2;
    char *p = realloc(s->data, cap);
    if (!p) return 0;
    s->data = p;
    s->cap = cap;
  }
  memcpy(s->data + s->len, data, add);
  s->len += add;
  return add;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kb(void) {
  char line[256];
  long kb = -1;
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "VmHWM:", 6) == 0) kb = strtol(line + 6, NULL, 10);
  }
  fclose(f);
  return kb;
}

static char *read_file(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)*len + 1);
  if (!buf || fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
    fclose(f);
    free(buf);
    return NULL;
  }
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void setup(struct handle *h, const char *url) {
  h->easy = curl_easy_init();
  if (!h->easy) {
    fprintf(stderr, "raw_curl: curl_easy_init failed\n");
    exit(2);
  }
  curl_easy_setopt(h->easy, CURLOPT_URL, url);
  curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h->easy, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, body_json);
  curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE, body_len);
  curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, &h->body);
}

/* Counts a finished transfer that is not a 200 with a body as an error. */
static void check(struct handle *h, CURLcode rc) {
  long status = 0;
  curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200 || h->body.len == 0 || h->body.data[0] != '{') {
    if (errors++ < 3) fprintf(stderr, "raw_curl: rc=%d status=%ld len=%zu\n", (int)rc, status, h->body.len);
  }
  h->body.len = 0;
}

static void run_sequential(const char *url, long n) {
  struct handle h = {0};
  setup(&h, url);
  check(&h, curl_easy_perform(h.easy)); /* warm-up: opens the connection */
  double t0 = now(), c0 = cpu_seconds();
  for (long i = 0; i < n; i++) check(&h, curl_easy_perform(h.easy));
  double wall = now() - t0, cpu = cpu_seconds() - c0;
  printf("{\"requests\": %ld, \"wall\": %.6f, \"cpu\": %.6f, \"peak_rss_kb\": %ld, \"errors\": %ld}\n", n, wall,
         cpu, peak_rss_kb(), errors);
  free(h.body.data);
  curl_easy_cleanup(h.easy);
}

/* Runs `total` transfers on the multi handle, at most `width` at once. */
static void drive(CURLM *multi, struct handle *hs, int width, long total) {
  long started = 0, done = 0;
  int running = 0;
  for (int i = 0; i < width && started < total; i++, started++) curl_multi_add_handle(multi, hs[i].easy);
  while (done < total) {
    CURLMsg *msg;
    int left;
    curl_multi_perform(multi, &running);
    while ((msg = curl_multi_info_read(multi, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL *easy = msg->easy_handle;
      CURLcode rc = msg->data.result;
      struct handle *h;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&h);
      check(h, rc);
      done++;
      curl_multi_remove_handle(multi, easy);
      if (started < total) {
        curl_multi_add_handle(multi, easy);
        started++;
      }
    }
    if (done < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
  }
}

static void run_multi(const char *url, long n, int width) {
  struct handle *hs = calloc((size_t)width, sizeof *hs);
  CURLM *multi = curl_multi_init();
  for (int i = 0; i < width; i++) {
    setup(&hs[i], url);
    curl_easy_setopt(hs[i].easy, CURLOPT_PRIVATE, (char *)&hs[i]);
  }
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)width * 2);
  drive(multi, hs, width, width); /* warm-up: one connection per slot */
  double t0 = now(), c0 = cpu_seconds();
  drive(multi, hs, width, n);
  double wall = now() - t0, cpu = cpu_seconds() - c0;
  printf("{\"requests\": %ld, \"wall\": %.6f, \"cpu\": %.6f, \"peak_rss_kb\": %ld, \"errors\": %ld}\n", n, wall,
         cpu, peak_rss_kb(), errors);
  for (int i = 0; i < width; i++) {
    curl_easy_cleanup(hs[i].easy);
    free(hs[i].body.data);
  }
  curl_multi_cleanup(multi);
  free(hs);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: raw_curl URL BODY_FILE N CONCURRENCY\n");
    return 2;
  }
  const char *url = argv[1];
  long n = strtol(argv[3], NULL, 10);
  int width = (int)strtol(argv[4], NULL, 10);
  body_json = read_file(argv[2], &body_len);
  if (!body_json || n <= 0 || width <= 0) {
    fprintf(stderr, "raw_curl: bad arguments\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  /* the headers the module sends, less its User-Agent and Accept-Encoding */
  headers = curl_slist_append(headers, "Authorization: Bearer bench");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  if (width == 1) {
    run_sequential(url, n);
  } else {
    run_multi(url, n, width);
  }
  curl_slist_free_all(headers);
  curl_global_cleanup();
  return errors ? 1 : 0;
}
