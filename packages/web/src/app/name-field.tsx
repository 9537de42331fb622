/** A required name of up to 64 characters (contact, group), with its label. */
export interface NameFieldProps {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
}

/** @example <NameField label="New name (only you see it)" name="new-name" value={v} onInput={setV} /> */
export function NameField({ label, name, value, onInput }: NameFieldProps) {
  return (
    <label>
      {label}
      <input
        name={name}
        required
        maxLength={64}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  );
}
