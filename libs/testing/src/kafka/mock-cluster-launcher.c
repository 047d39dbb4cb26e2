/*
 * Runs librdkafka's mock Kafka cluster as a standalone process for tests.
 *
 * The mock cluster is Confluent's own test cluster for librdkafka: real brokers
 * on loopback TCP ports speaking the Kafka wire protocol (topics, partitions,
 * consumer groups, committed offsets), so kafkajs talks to it unchanged.
 *
 *   usage: kafka-mock-launcher [broker_count]
 *
 * Prints "bootstraps <host:port,...>" once the cluster is up, then reads one
 * command per line on stdin and answers each with exactly one line, "ok" or
 * "error <reason>":
 *
 *   ping
 *   topic <name> <partitions>           create a topic (replication factor 1)
 *   down <broker_id|-1>                 disconnect a broker, refuse new connections
 *   up <broker_id|-1>                   accept connections again
 *   rtt <broker_id|-1> <ms>             add round-trip delay
 *   errors <api_key> <error_code> <n>   fail the next n requests of that API
 *   clear <api_key>                     drop pending injected errors
 *
 * The process exits when stdin closes, so a crashed test runner never leaves a
 * cluster behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_INJECTED_ERRORS 4096

static void reply(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    printf("ok\n");
  else
    printf("error %s\n", rd_kafka_err2str(err));
  fflush(stdout);
}

static void reply_usage(const char *usage) {
  printf("error usage: %s\n", usage);
  fflush(stdout);
}

static int parse_int(const char *text, long *out) {
  char *end = NULL;
  if (text == NULL) return 0;
  *out = strtol(text, &end, 10);
  return end != text && *end == '\0';
}

static void handle(rd_kafka_mock_cluster_t *mc, char *line) {
  char *cmd = strtok(line, " \t\r\n");
  char *a1 = strtok(NULL, " \t\r\n");
  char *a2 = strtok(NULL, " \t\r\n");
  char *a3 = strtok(NULL, " \t\r\n");
  long n1 = 0, n2 = 0, n3 = 0;

  if (cmd == NULL) {
    reply_usage("empty command");
  } else if (strcmp(cmd, "ping") == 0) {
    reply(RD_KAFKA_RESP_ERR_NO_ERROR);
  } else if (strcmp(cmd, "topic") == 0) {
    if (a1 == NULL || !parse_int(a2, &n2) || n2 < 1) { reply_usage("topic <name> <partitions>"); return; }
    reply(rd_kafka_mock_topic_create(mc, a1, (int)n2, 1));
  } else if (strcmp(cmd, "down") == 0) {
    if (!parse_int(a1, &n1)) { reply_usage("down <broker_id>"); return; }
    reply(rd_kafka_mock_broker_set_down(mc, (int32_t)n1));
  } else if (strcmp(cmd, "up") == 0) {
    if (!parse_int(a1, &n1)) { reply_usage("up <broker_id>"); return; }
    reply(rd_kafka_mock_broker_set_up(mc, (int32_t)n1));
  } else if (strcmp(cmd, "rtt") == 0) {
    if (!parse_int(a1, &n1) || !parse_int(a2, &n2) || n2 < 0) { reply_usage("rtt <broker_id> <ms>"); return; }
    reply(rd_kafka_mock_broker_set_rtt(mc, (int32_t)n1, (int)n2));
  } else if (strcmp(cmd, "errors") == 0) {
    if (!parse_int(a1, &n1) || !parse_int(a2, &n2) || !parse_int(a3, &n3) || n3 < 1 ||
        n3 > MAX_INJECTED_ERRORS)
      { reply_usage("errors <api_key> <error_code> <count 1..4096>"); return; }
    static rd_kafka_resp_err_t errs[MAX_INJECTED_ERRORS];
    for (long i = 0; i < n3; i++) errs[i] = (rd_kafka_resp_err_t)n2;
    rd_kafka_mock_push_request_errors_array(mc, (int16_t)n1, (size_t)n3, errs);
    reply(RD_KAFKA_RESP_ERR_NO_ERROR);
  } else if (strcmp(cmd, "clear") == 0) {
    if (!parse_int(a1, &n1)) { reply_usage("clear <api_key>"); return; }
    rd_kafka_mock_clear_request_errors(mc, (int16_t)n1);
    reply(RD_KAFKA_RESP_ERR_NO_ERROR);
  } else {
    reply_usage("unknown command (ping|topic|down|up|rtt|errors|clear)");
  }
}

int main(int argc, char **argv) {
  long brokers = 1;
  char errstr[512];
  char line[1024];

  if (argc > 1 && (!parse_int(argv[1], &brokers) || brokers < 1 || brokers > 16)) {
    fprintf(stderr, "broker count must be 1..16\n");
    return 2;
  }

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only hosts the cluster; keep its own client chatter quiet. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == NULL) {
    fprintf(stderr, "rd_kafka_new failed: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
  if (mc == NULL) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(rk);
    return 1;
  }

  printf("bootstraps %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  while (fgets(line, sizeof(line), stdin) != NULL) handle(mc, line);

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
