// How messages about the alerter itself are worded: the problem, that it is still there, that it is over.
import type { Alert } from '../domain/alert.js';
import { INCIDENTS, type Incident } from '../domain/incidents.js';
import { describeReason } from '../domain/reasons.js';
import { snippet } from './text.js';

export interface IncidentWording {
  /** 'Pleo API key not accepted' */
  problem: string;
  /** 'Pleo API key still refused' */
  stillBroken: string;
  /** 'Pleo API key accepted again' */
  recovered: string;
  /** One sentence saying it works again. */
  recoveredSentence: string;
}

const WORDING: Record<Incident, Omit<IncidentWording, 'problem'>> = {
  [INCIDENTS.credentials]: {
    stillBroken: 'Pleo API key still refused',
    recovered: 'Pleo API key accepted again',
    recoveredSentence: "Pleo accepts the alerter's API key again.",
  },
  [INCIDENTS.unreachable]: {
    stillBroken: 'Pleo API still not answering',
    recovered: 'Pleo API reachable again',
    recoveredSentence: "Pleo's API answers the alerter again.",
  },
  // Warnings open no group: never reminded of, never resolved.
  [INCIDENTS.keyExpiring]: {
    stillBroken: 'Pleo API key expires soon',
    recovered: 'Pleo API key renewed',
    recoveredSentence: 'The Pleo API key was renewed.',
  },
  [INCIDENTS.keyExpiryUnknown]: {
    stillBroken: 'Pleo API key expiry not recorded',
    recovered: 'Pleo API key expiry recorded',
    recoveredSentence: "The Pleo API key's expiry date is recorded.",
  },
};

const DETAIL_CHARS = 1000;

export function incidentWording(reason: string): IncidentWording {
  const problem = describeReason(reason).title;
  const known = Object.hasOwn(WORDING, reason) ? WORDING[reason as Incident] : undefined;
  return {
    problem,
    ...(known ?? {
      stillBroken: `still open: ${problem}`,
      recovered: `${problem} is over`,
      recoveredSentence: `The alerter's problem "${problem}" is over.`,
    }),
  };
}

/** What went wrong, in the alerter's words: carried by the newest synthetic incident job. */
export function incidentDetail(alert: Alert): string | undefined {
  const text = alert.jobs.find((job) => job.failureReason)?.failureReason;
  return text ? snippet(text, DETAIL_CHARS) || undefined : undefined;
}

/** When the problem started: the group's opening, else its first episode. */
export function incidentSince(alert: Alert): string {
  return alert.lifecycle?.openedAt ?? alert.jobs.at(-1)?.createdAt ?? alert.detectedAt;
}
