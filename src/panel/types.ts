/** Status is what the route comparison says of a node or an edge of the path map. */
export type Status = 'taken' | 'missed' | 'wrong' | 'stopped' | 'outside';

/** STATUSES lists the statuses in the legend's order. */
export const STATUSES: Status[] = ['taken', 'missed', 'wrong', 'stopped', 'outside'];

/** NodeKind is read from the node id's prefix, which the backend sets. */
export type NodeKind = 'client' | 'host' | 'mailbox' | 'relay' | 'expected' | 'other';

/** MapNode is one node of the nodes frame. */
export interface MapNode {
  id: string;
  kind: NodeKind;
  title: string;
  subtitle: string;
  stage: string;
  status: Status;
  mainStat: string;
  secondaryStat: string;
  recipients: string[];
}

/** MapEdge is one edge of the edges frame. */
export interface MapEdge {
  id: string;
  source: string;
  target: string;
  status: Status;
  /** first is when the first copy crossed the edge, in ms since the epoch, or undefined. */
  first?: number;
  delay: string;
  what: string;
  recipients: string[];
}

/** EventRow is one line of the events frame or of the lines resource. */
export interface EventRow {
  time: number;
  line: string;
  host: string;
  program: string;
  queueId: string;
  kind: string;
  status: string;
  recipient: string;
  node: string;
  edge: string;
  dsn: string;
  delay?: number;
  delays: string;
  relay: string;
  reply: string;
  /** notice: the queue ID of the bounce or delay notice the line is of, '' for the message's. */
  notice: string;
}

/** RecipientSummary is one recipient's fate and verdict, from the nodes frame's meta. */
export interface RecipientSummary {
  address: string;
  origTo?: string;
  disposition: string;
  mailbox?: string;
  folder?: string;
  relay?: string;
  reason?: string;
  route?: string;
  /** why says why the route applies to this recipient. */
  why?: string;
  verdict?: string;
  sentence?: string;
}

/** MessageSummary is one traced message. */
export interface MessageSummary {
  messageId: string;
  from: string;
  subject?: string;
  first?: string;
  last?: string;
  recipients: RecipientSummary[];
}

/** Summary is the nodes frame's meta.custom.mailpath: it marks the frames as Mailpath's. */
export interface Summary {
  version: number;
  datasourceUid?: string;
  partial?: boolean;
  reasons?: string[];
  unparsed?: number;
  messages: MessageSummary[];
}

/** PathModel is everything the panel draws, read from one query's frames. */
export interface PathModel {
  nodes: MapNode[];
  edges: MapEdge[];
  /** events is undefined when the query returned no events frame (output: graph). */
  events?: EventRow[];
  summary: Summary;
}

/** LabelMode chooses how much a node shows. */
export type LabelMode = 'compact' | 'detailed';

/** PathMapOptions are the panel's options. */
export interface PathMapOptions {
  /** refId picks the query whose frames are drawn; empty takes the first Mailpath frames. */
  refId?: string;
  showExpected: boolean;
  labels: LabelMode;
  /** timeZone overrides the dashboard's time zone when set. */
  timeZone?: string;
}

export const DEFAULT_OPTIONS: PathMapOptions = {
  refId: '',
  showExpected: true,
  labels: 'detailed',
  timeZone: '',
};
