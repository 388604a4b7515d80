/** The channel's history could not cover a gap, so messages from that gap will never arrive: say so. */
export function ResetNote({ at }: { at: number }) {
  return (
    <p className="reset-note" data-testid="reset-note">
      History was reset at {new Date(at).toLocaleTimeString()} (the gateway restarted, or you were away too long): messages
      published while you were disconnected may be missing.
    </p>
  );
}
