// The benchmark's printed report: what was run, the cost tables, bundle and cold start, and the budgets.
import { cpus, totalmem } from 'node:os';
import { POLLER_SETTINGS } from '../functions/config/poller.js';
import { type BacklogResult, SCHEDULE_MINUTES } from './backlog.js';
import { type BenchResults, type BudgetLine, checkBudgets, phaseRows, type Row } from './budgets.js';
import { type FanOutResult, LIST_PRICES, monthlyCostPerConnection, TICKS_PER_MONTH } from './fan-out.js';
import { count, duration, kb, mb, table, times } from './format.js';
import { LAMBDA_MEMORY_MB } from './scenario.js';

/** The rate the poller keeps to by default, used to say how long the measured requests would take at it. */
const PRODUCTION_RATE = POLLER_SETTINGS.pleoMaxRequestsPerSecond.default;

export function renderReport(results: BenchResults): string {
  const all = phaseRows(results.sizes);
  return [
    header(),
    pleoTable(all),
    dynamoTable(all),
    resourceTable(results, all),
    perCompanyNote(results),
    bundleSection(results),
    coldStartSection(results),
    stormSection(results),
    rateSection(results),
    ...(results.backlog ? [backlogSection(results.backlog)] : []),
    ...(results.fanOut ? [fanOutSection(results.fanOut)] : []),
    budgetSection(checkBudgets(results)),
  ].join('\n\n');
}

function header(): string {
  const cpu = cpus();
  return [
    `Poll benchmark — node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, ${new Date().toISOString()}`,
    'The Lambda bundle, one fresh process per poll, against the demo Export API, dynalite and fauxqs running in the',
    'benchmark process. Organisation-wide; 200 companies; every failure reason; a fifth completed_with_errors with',
    '1–50 failed items. cold: every job is new; warm: the same poll again, nothing new.',
    `Pleo rate limit off (PLEO_MAX_REQUESTS_PER_SECOND=0): at the production default of ${PRODUCTION_RATE} requests/s the waiting`,
    `would dominate (see "at ${PRODUCTION_RATE}/s"), and polls past POLL_BUDGET_SECONDS leave the rest to the next poll.`,
  ].join('\n');
}

function pleoTable(all: readonly Row[]): string {
  return [
    'Pleo requests — ideal: list pages ⌈jobs / 100⌉ + item pages Σ ⌈failed items / 100⌉ over the jobs that need them',
    "+ completed-job pages ⌈completed exports since the open groups' failures / 100⌉ when groups are open",
    table(
      [
        { header: 'jobs', align: 'right' },
        { header: 'poll' },
        { header: 'requests', align: 'right' },
        { header: 'ideal', align: 'right' },
        { header: 'ratio', align: 'right' },
        { header: 'list pages', align: 'right' },
        { header: 'item pages', align: 'right' },
        { header: 'completed-job pages', align: 'right' },
        { header: `at ${PRODUCTION_RATE}/s`, align: 'right' },
      ],
      all.map(({ jobs, phase, figures }) => [
        count(jobs),
        phase,
        count(figures.pleo.measured),
        count(figures.pleo.ideal),
        times(figures.pleo.ratio),
        pair(figures.listPages),
        pair(figures.itemPages),
        pair(figures.completedListPages),
        duration((figures.pleo.measured / PRODUCTION_RATE) * 1_000),
      ]),
    ),
    '(pages: measured / ideal, as the demo API counted them; completed-job pages: the check whether open failure',
    'groups were resolved by a later export, which resolved notices need)',
  ].join('\n');
}

function dynamoTable(all: readonly Row[]): string {
  return [
    'DynamoDB and SNS — ideal: BatchGetItem ⌈jobs / 100⌉; a cold poll is a first poll, one message per company (the',
    'groups column: one per (company, reason) group, what was sent before the roll-up); delivery requests: per',
    'message one write before it is published and ⌈(its jobs + groups + 1) / 99⌉ transactions after (see bench/ideal.ts)',
    table(
      [
        { header: 'jobs', align: 'right' },
        { header: 'poll' },
        { header: 'BatchGetItem', align: 'right' },
        { header: 'ideal', align: 'right' },
        { header: 'ratio', align: 'right' },
        { header: 'messages', align: 'right' },
        { header: 'ideal', align: 'right' },
        { header: 'groups', align: 'right' },
        { header: 'arrived', align: 'right' },
        { header: 'delivery requests / message', align: 'right' },
        { header: 'ideal', align: 'right' },
        { header: 'delivery time', align: 'right' },
        { header: 'other DynamoDB requests' },
      ],
      all.map(({ jobs, phase, figures }) => [
        count(jobs),
        phase,
        count(figures.batchGets.measured),
        count(figures.batchGets.ideal),
        times(figures.batchGets.ratio),
        count(figures.publishes.measured),
        count(figures.publishes.ideal),
        count(figures.groups),
        count(figures.delivered),
        perMessage(figures.deliveryRequests.measured, figures.publishes.measured),
        perMessage(figures.deliveryRequests.ideal, figures.publishes.ideal),
        figures.publishes.measured > 0 ? duration(figures.deliveryMs) : '—',
        Object.entries(figures.otherDynamo)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([operation, n]) => `${operation} ${count(n)}`)
          .join(', '),
      ]),
    ),
  ].join('\n');
}

function perMessage(requests: number, messages: number): string {
  return messages > 0 ? (requests / messages).toFixed(1) : '—';
}

function resourceTable(results: BenchResults, all: readonly Row[]): string {
  const crashes = results.sizes.flatMap(({ jobs, outOfMemory }) =>
    outOfMemory.map(
      (oom) =>
        `* ${count(jobs)} ${oom.phase}: out of memory at ${oom.memoryMb} MB after ${duration(oom.afterMs)}; measured again with ${count(
          all.find((row) => row.jobs === jobs && row.phase === oom.phase)?.result.memoryMb ?? 0,
        )} MB`,
    ),
  );
  return [
    `Time and memory — one fresh node process per poll, with the NODE_OPTIONS the stack deploys for ${LAMBDA_MEMORY_MB} MB`,
    table(
      [
        { header: 'jobs', align: 'right' },
        { header: 'poll' },
        { header: 'poll time', align: 'right' },
        { header: 'init', align: 'right' },
        { header: 'RSS loaded', align: 'right' },
        { header: 'peak RSS', align: 'right' },
        { header: 'peak heap', align: 'right' },
        { header: 'peak buffers', align: 'right' },
        { header: 'Pleo req/s', align: 'right' },
      ],
      all.map(({ jobs, phase, result }) => [
        count(jobs),
        phase,
        duration(result.run.pollMs),
        duration(result.run.initMs),
        mb(result.run.initRssKb),
        `${mb(result.run.peakRssKb)}${result.memoryMb === LAMBDA_MEMORY_MB ? '' : '*'}`,
        mb(result.run.peakMemory.heapUsed / 1024),
        mb(result.run.peakMemory.arrayBuffers / 1024),
        result.meanPleoPerSecond.toFixed(0),
      ]),
    ),
    ...crashes,
  ].join('\n');
}

function perCompanyNote(results: BenchResults): string {
  const lines = results.sizes.map(
    ({ jobs, scenario }) =>
      `  ${count(jobs)} jobs: ${count(scenario.perCompanyListPages)} list pages company by company, ${count(scenario.ideal.cold.listPages)} organisation-wide`,
  );
  return [
    'Company by company (PLEO_COMPANIES set) every company ends its listing with a partial page of its own:',
    ...lines,
  ].join('\n');
}

function bundleSection({ bundle }: BenchResults): string {
  const parts = bundle.byPackage
    .slice(0, 6)
    .map(({ name, bytes }) => `${name} ${kb(bytes)}`)
    .join(', ');
  return [
    'Lambda bundle — esbuild as the stack builds it (lib/lambda-build.ts): ESM split at each import(), minified,',
    'node24, source maps, the AWS SDK in it',
    `  size             ${kb(bundle.bytes)}, of which a cold start reads ${kb(bundle.startBytes)} (source maps ${kb(bundle.sourceMapBytes)}, separate files)`,
    `  largest parts    ${parts}`,
    `  read on demand   ${bundle.lazyPackages.join(', ') || '(none)'}`,
    `  imported from outside ${bundle.externalImports.join(', ') || '(nothing but Node.js)'}`,
  ].join('\n');
}

function coldStartSection({ coldStart, sdkClients }: BenchResults): string {
  const { bareMs, sdkMs, frameworkMs, frameworkConfigMs, bundleMs, bundleSourceMapsMs, runs } = coldStart;
  const step = (what: string, ms: number, previousMs: number) => [
    what,
    duration(ms),
    `${times(ms / sdkMs)} the SDK clients`,
    `${ms < previousMs ? '−' : '+'}${duration(Math.abs(ms - previousMs))}`,
  ];
  return [
    `Cold start — a fresh node process from spawn to exit, median of ${runs}; all but node -e 0 with the stack's`,
    'NODE_OPTIONS. The middle rows are shells bundled like the poller (bench/shell): what the design loads before any',
    'of the poller’s own code.',
    table(
      [
        { header: 'what' },
        { header: 'time', align: 'right' },
        { header: 'ratio', align: 'left' },
        { header: 'adds', align: 'right' },
      ],
      [
        ['node -e 0', duration(bareMs), '', ''],
        [
          "import the runtime's SDK clients the bundle replaces",
          duration(sdkMs),
          `${times(sdkMs / bareMs)} node -e 0`,
          '',
        ],
        step('+ Powertools, middy, the DynamoDB client built', frameworkMs, sdkMs),
        step('+ the environment parsed by the zod schema', frameworkConfigMs, frameworkMs),
        step('import the bundle (the whole poller, handler set up)', bundleMs, frameworkConfigMs),
        step('the same with --enable-source-maps', bundleSourceMapsMs, bundleMs),
      ],
    ),
    `The same SDK clients bundled alone import in ${duration(coldStart.sdkClientsBundledMs)} (${kb(sdkClients.bytes)}): the poller is ${times(bundleMs / coldStart.sdkClientsBundledMs)} them.`,
  ].join('\n');
}

function stormSection({ storm }: BenchResults): string {
  const { phase, jobs, groups } = storm;
  const { outcome } = phase.run;
  return [
    `A storm — a cold poll of ${count(jobs)} jobs with ROLLUP_ABOVE=0 and QUIET_FIRST_POLL=false: every group its own message`,
    `  ${count(outcome.alertsPublished)} messages (${count(groups)} groups), ${count(phase.delivered)} arrived; delivered in ${duration(outcome.deliveryMs)} at DELIVERY_CONCURRENCY ${storm.deliveryConcurrency}, ${perMessage(
      Object.values(outcome.dynamoDeliveryRequests).reduce((sum, n) => sum + n, 0),
      outcome.alertsPublished,
    )} DynamoDB requests a message`,
  ].join('\n');
}

function rateSection({ rate }: BenchResults): string {
  const { phase, jobs } = rate;
  return [
    `Pleo rate with the production defaults — a cold poll of ${count(jobs)} jobs`,
    `  ${count(phase.server.total)} requests in ${duration(phase.run.pollMs)}: ${phase.meanPleoPerSecond.toFixed(1)}/s on average, at most ${phase.peakPleoPerSecond} in any one second`,
  ].join('\n');
}

function backlogSection(backlog: BacklogResult): string {
  const { settings, polls } = backlog;
  const drained = backlog.jobsNeverAlerted === 0;
  return [
    `Backlog — ${count(backlog.jobs)} failed jobs at one organisation (${count(backlog.companies)} companies), a fresh process per poll until every one was alerted`,
    `Scaled time: each poll's budget is ${settings.budgetSeconds} s (POLL_BUDGET_SECONDS) standing for the ${settings.realBudgetSeconds} s a real poll gets`,
    `at the stack's 120 s timeout, so time runs ${settings.scale}× faster and so does the Pleo rate ceiling: ${settings.maxRequestsPerSecond}/s for the`,
    `default ${PRODUCTION_RATE}/s. A poll makes the Pleo requests a real one makes; one poll stands for ${SCHEDULE_MINUTES} minutes of real time. DynamoDB`,
    "and SNS are not scaled: delivery runs at this machine's speed, with the invocation's real time left (poll time",
    'is the whole poll, delivery included). Pleo answers at once here; a slower Pleo lists fewer pages per poll.',
    table(
      [
        { header: 'poll', align: 'right' },
        { header: 'sweep' },
        { header: 'Pleo requests', align: 'right' },
        { header: 'req/s', align: 'right' },
        { header: 'new failures', align: 'right' },
        { header: 'left for next', align: 'right' },
        { header: 'alerts', align: 'right' },
        { header: 'failures delivered', align: 'right' },
        { header: 'poll time', align: 'right' },
      ],
      polls.map((poll, index) => {
        const run = 'outcome' in poll.run ? poll.run : undefined;
        return [
          count(index + 1),
          poll.sweep ? 'yes' : '',
          count(poll.pleoRequests),
          poll.meanPleoPerSecond.toFixed(0),
          run ? count(run.outcome.newFailures) : 'failed',
          run ? count(run.outcome.deferredFailures) : '',
          count(poll.messages),
          count(poll.failuresDelivered),
          run ? duration(run.pollMs) : '',
        ];
      }),
    ),
    drained
      ? `Drained in ${polls.length} polls: ${duration(polls.length * SCHEDULE_MINUTES * 60_000)} at one poll every ${SCHEDULE_MINUTES} minutes (the default schedule).`
      : notDrained(backlog),
    `${count(backlog.failuresDelivered)} (job, reason) failures delivered, ${count(backlog.repeats)} of them more than once.`,
    ...polls.flatMap((poll, index) =>
      'error' in poll.run ? [`  poll ${index + 1} failed: ${poll.run.error}`] : [],
    ),
    `(req/s below ${settings.maxRequestsPerSecond} means this machine could not keep the scaled pace: a real poll would make more requests)`,
  ].join('\n');
}

/** At the pace the polls run kept, how many more it would have taken. */
function notDrained(backlog: BacklogResult): string {
  const { polls, jobs, jobsNeverAlerted } = backlog;
  const alertedPerPoll = (jobs - jobsNeverAlerted) / polls.length;
  const projected =
    alertedPerPoll > 0 ? polls.length + Math.ceil(jobsNeverAlerted / alertedPerPoll) : undefined;
  return [
    `NOT drained ${backlog.timedOut ? 'within the time the benchmark gives it' : 'within the polls it allows'}: ${count(jobsNeverAlerted)} of ${count(jobs)} jobs not alerted after ${polls.length} polls.`,
    projected === undefined
      ? 'No job was alerted: see the errors below.'
      : `At ${count(Math.round(alertedPerPoll))} jobs a poll, about ${count(projected)} polls in all: ${duration(projected * SCHEDULE_MINUTES * 60_000)} at one poll every ${SCHEDULE_MINUTES} minutes (an upper bound where req/s stayed below the ceiling).`,
  ].join('\n');
}

function budgetSection(lines: readonly BudgetLine[]): string {
  const mark = (pass: boolean | undefined) => (pass === undefined ? '----' : pass ? 'PASS' : 'MISS');
  return ['Budgets', ...lines.map((line) => `  ${mark(line.pass)}  ${line.budget}: ${line.detail}`)].join(
    '\n',
  );
}

function pair({ measured, ideal }: { measured: number; ideal: number }): string {
  return `${count(measured)} / ${count(ideal)}`;
}

export function fanOutSection(fan: FanOutResult): string {
  const cost = monthlyCostPerConnection(fan);
  const perConnection = fan.pleoRequests / fan.connections;
  const dollars = (value: number) => `$${value.toFixed(4)}`;
  const invocation = fan.invocation;
  return [
    `Fan-out — ${count(fan.connections)} connections × ${count(fan.jobsPerConnection)} failed jobs, each connection its own key: the dispatcher's tick`,
    "into an in-process queue, then the poller's pollRequestHandler, one message per invocation, in this process.",
    `Total: ${duration(fan.totalMs)} for ${count(fan.pollRequests)} poll requests (${count(fan.sqsSendBatches)} SendMessageBatch calls), ${count(fan.failedRequests)} failed.`,
    `Pleo requests per connection: ${perConnection.toFixed(2)} (ideal ${count(fan.idealPleoRequestsPerConnection)}, ${times(perConnection / fan.idealPleoRequestsPerConnection)}); ${count(fan.parameterReads)} parameter reads.`,
    `Jobs alerted: ${count(fan.jobsAlerted)}, ${count(fan.jobsAlertedTwice)} more than once, ${count(fan.jobsNeverAlerted)} never.`,
    invocation
      ? `One connection's poll in a fresh process of the bundle: peak RSS ${mb(invocation.peakRssKb)} of ${LAMBDA_MEMORY_MB} MB, poll ${duration(invocation.pollMs)}.`
      : 'One connection’s poll in a fresh process: not run.',
    `Per connection a month (${count(TICKS_PER_MONTH)} ticks, one every ${SCHEDULE_MINUTES} minutes), at list prices (us-east-1, on demand, no free tier):`,
    `  Lambda: ${count(Math.round(cost.lambdaRequests))} requests ($0.20/M) and ${cost.gbSeconds.toFixed(1)} GB-s at ${LAMBDA_MEMORY_MB} MB (arm64 $${LIST_PRICES.lambdaPerGbSecond}/GB-s, this machine's time): ${dollars(cost.lambda)}`,
    `  SQS: ${count(Math.round(cost.sqsRequests))} requests ($0.40/M, standard queue): ${dollars(cost.sqs)}`,
    `  SSM GetParameter: ${count(Math.round(cost.parameterReads))} reads at most (Powertools caches 5 min): free at standard throughput, ${dollars(cost.ssm)} at higher throughput ($0.05 per 10,000)`,
    `  Total ${dollars(cost.total)} (standard throughput; DynamoDB, SNS and CloudWatch not counted).`,
  ].join('\n');
}
