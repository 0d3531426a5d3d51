import {useId} from "react";

/** A Field's control props (id, described-by, invalid). */
type ControlProps = {id: string; "aria-describedby"?: string; "aria-invalid"?: boolean};

/** A collection name: free text with the existing collections offered as suggestions. */
export function CollectionInput({control, value, onChange, collections}: {control: ControlProps; value: string; onChange: (value: string) => void; collections: string[]}) {
  const listId = useId();
  return (
    <>
      <input {...control} className="input" list={listId} maxLength={200} value={value} placeholder="None" onChange={(event) => onChange(event.target.value)} />
      <datalist id={listId}>
        {collections.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
