import { useState } from 'react';

export function SignInForm({ onSignIn }: { onSignIn: (name: string) => void }) {
  const [name, setName] = useState('');
  return (
    <form
      className="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        onSignIn(name.trim());
      }}
    >
      <h1>Switchboard demo</h1>
      <label>
        Your name
        {/* The name becomes the user's channel `user:<name>`, so it must fit channel-name characters. */}
        <input
          data-testid="sign-in-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          pattern="[A-Za-z0-9_.@\-]{1,64}"
          title="Letters, digits and _ . @ - (up to 64)"
          autoComplete="username"
          autoFocus
        />
      </label>
      <button data-testid="sign-in" type="submit">
        Sign in
      </button>
    </form>
  );
}
