import { useState } from 'react';

export interface ConfirmButtonProps {
  /** The button's words ("Remove"), and what it acts on, for its accessible name. */
  label: string;
  subject: string;
  /** The question asked before acting ("Remove ada? They are signed out at once."). */
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
}

/** A destructive action that asks in place first: the button turns into a question with Yes / Cancel. */
export function ConfirmButton({ label, subject, question, onConfirm, disabled }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn btn-small btn-danger" disabled={disabled} aria-label={`${label} ${subject}`} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: an inline question inside a table cell; a fieldset would break the row's layout
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="btn btn-small btn-danger is-armed"
        // biome-ignore lint/a11y/noAutofocus: the question just replaced the focused button; focus follows it
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {label}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
