import type { Connection } from '../connections/index.js';
import type { Publication, StreamPosition } from '../engine/index.js';
import { nextMemberState, type MemberEvent, type MemberState } from './member-state.js';

interface Waiting {
  publication: Publication;
  text: string;
}

/**
 * One connection's membership of one channel. Publications reach it in the broker's order
 * whenever the broker delivers them, before or after the answer they must follow: while it
 * is not `live` they wait, and go out in that order once the answer is sent.
 */
export class ChannelMember {
  private current: MemberState = 'buffering';
  private waiting: Waiting[] = [];
  /**
   * The position its subscribe ack reported: the client has everything up to it, so a
   * publication at or before it, delivered late by the broker, is dropped, not sent twice.
   */
  private answeredAt?: StreamPosition;

  constructor(private readonly connection: Connection) {}

  get state(): MemberState {
    return this.current;
  }

  /** Subscribed again: publications wait until that subscribe is answered too. */
  resubscribe(): void {
    this.dispatch('subscribe');
  }

  /** The subscribe ack went out at `position`: sends what came after it, then goes live. */
  answered(position: StreamPosition): void {
    this.answeredAt = { epoch: position.epoch, offset: position.offset };
    this.dispatch('answered');
    this.flush();
  }

  /** Its own publish began: publications wait behind that publish's ack. */
  hold(): void {
    this.dispatch('publish');
  }

  /** The publish's ack went out: sends what waited behind it, then goes live again. */
  release(): void {
    this.dispatch('acked');
    this.flush();
  }

  /** A publication of the channel, with its `message` text serialized once for every member. */
  deliver(publication: Publication, text: string): void {
    if (this.current !== 'live') this.waiting.push({ publication, text });
    else if (!this.knows(publication)) this.connection.sendText(text, 'message');
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { publication, text } of waiting) {
      if (!this.knows(publication)) this.connection.sendText(text, 'message');
    }
  }

  private knows(publication: Publication): boolean {
    const at = this.answeredAt;
    return at !== undefined && publication.epoch === at.epoch && publication.offset <= at.offset;
  }

  private dispatch(event: MemberEvent): void {
    this.current = nextMemberState(this.current, event);
  }
}
