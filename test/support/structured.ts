// Reading structured messages in tests: a message's one alert, and each alert with every job id it names.
import type { StructuredMessage } from '../../functions/contracts/structured-message.js';
import type { Alert } from '../../functions/domain/alert.js';

/** The message's one alert; throws for a message that carries several (a combined one). */
export function onlyAlert(message: StructuredMessage): Alert {
  const [alert, ...more] = message.alerts;
  if (alert === undefined || more.length > 0) {
    throw new Error(`Expected one alert in message ${message.alertId}, found ${message.alerts.length}`);
  }
  return alert;
}

export interface AlertWithJobIds extends Alert {
  /** Every job of the alert the message names: those listed in full, then those moved to `overflow`. */
  jobIds: string[];
  droppedJobs: number;
}

/** Each alert of the message with the ids of all its jobs the message names, and how many it dropped. */
export function alertsWithJobIds(message: StructuredMessage): AlertWithJobIds[] {
  return message.alerts.map((alert) => {
    const cut = message.overflow.alerts.find((entry) => entry.alertId === alert.alertId);
    return {
      ...alert,
      jobIds: [...alert.jobs.map((job) => job.jobId), ...(cut?.jobIds ?? [])],
      droppedJobs: cut?.droppedJobs ?? 0,
    };
  });
}
