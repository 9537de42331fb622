/** Checkboxes of contacts, for choosing a new group's members or people to add to one. */
export interface ContactPickerProps {
  contacts: readonly { id: string; name: string }[];
  chosen: readonly string[];
  onChange: (ids: string[]) => void;
}

/** @example <ContactPicker contacts={list} chosen={ids} onChange={setIds} /> */
export function ContactPicker({ contacts, chosen, onChange }: ContactPickerProps) {
  return (
    <ul class="contact-picker">
      {contacts.map((c) => (
        <li key={c.id}>
          <label>
            <input
              type="checkbox"
              name="member"
              value={c.id}
              checked={chosen.includes(c.id)}
              onChange={(e) =>
                onChange(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((id) => id !== c.id))
              }
            />{' '}
            {c.name}
          </label>
        </li>
      ))}
    </ul>
  );
}
