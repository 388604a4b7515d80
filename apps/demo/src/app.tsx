import { SwitchboardProvider } from '@switchboard/react';
import { useState } from 'react';
import { ChatScreen } from './chat-screen.js';
import { fetchDevToken } from './dev-token.js';
import { SignInForm } from './sign-in-form.js';

/** A local demo: retry at least every 5 s, so a restarted gateway is picked up quickly. */
const CLIENT_OPTIONS = { backoff: { maxMs: 5_000 } };

export function App({ gateway }: { gateway: string }) {
  const [name, setName] = useState<string>();
  if (name === undefined) return <SignInForm onSignIn={setName} />;
  // Keyed by the user: another sign-in gets a new client, never the previous user's connection.
  return (
    <SwitchboardProvider key={name} url={gateway} options={CLIENT_OPTIONS} getToken={() => fetchDevToken(gateway, name)}>
      <ChatScreen me={name} onSignOut={() => setName(undefined)} />
    </SwitchboardProvider>
  );
}
