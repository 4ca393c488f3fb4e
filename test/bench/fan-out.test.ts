// The benchmark's fan-out row at a small scale, counted exactly: the dispatcher's tick into an in-process queue and
// the poller's pollRequestHandler, each connection with its own key on the demo API. No timings are asserted.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FanOutResult,
  monthlyCostPerConnection,
  runFanOut,
  TICKS_PER_MONTH,
} from '../../bench/fan-out.js';
import { fanOutSection } from '../../bench/report.js';

const CONNECTIONS = 5;
const JOBS_PER_CONNECTION = 3;

describe('the fan-out row', () => {
  let result: FanOutResult;

  beforeAll(async () => {
    // Prepare, Act: five companies, three failed jobs each, the stack's own connection and four stored ones
    result = await runFanOut({ connections: CONNECTIONS, jobsPerConnection: JOBS_PER_CONNECTION });
  });

  it('polls each connection once, with the Pleo requests the ideal allows and no more', () => {
    // Assess
    expect(result).toMatchObject({ pollRequests: CONNECTIONS, sqsSendBatches: 1, failedRequests: 0 });
    expect(result.pleoRequests).toBe(CONNECTIONS * result.idealPleoRequestsPerConnection);
    expect(result.idealPleoRequestsPerConnection).toBe(1);
  });

  it('reads the key of each stored connection once, and alerts every job exactly once', () => {
    // Assess
    expect(result.parameterReads).toBe(CONNECTIONS - 1);
    expect(result).toMatchObject({
      jobsAlerted: CONNECTIONS * JOBS_PER_CONNECTION,
      jobsAlertedTwice: 0,
      jobsNeverAlerted: 0,
    });
  });

  it('prices a month per connection from the counts, and the report says the prices are list prices', () => {
    // Act
    const cost = monthlyCostPerConnection(result);
    const section = fanOutSection(result);

    // Assess: one invocation per poll request plus the dispatcher's share; a send batch, a receive and a delete
    expect(cost.lambdaRequests).toBeCloseTo(((CONNECTIONS + 1) / CONNECTIONS) * TICKS_PER_MONTH);
    expect(cost.sqsRequests).toBeCloseTo(((1 + 2 * CONNECTIONS) / CONNECTIONS) * TICKS_PER_MONTH);
    expect(cost.parameterReads).toBeCloseTo(((CONNECTIONS - 1) / CONNECTIONS) * TICKS_PER_MONTH);
    expect(section).toContain('at list prices');
    expect(section).toContain('Pleo requests per connection: 1.00 (ideal 1, 1.00×)');
  });
});
