// deno-lint-ignore-file jsx-key -- server-rendered once, nothing reconciles lists, so keys would only leak into the HTML as attributes
/** The GET filter bar of the list pages: fields, a submit button and a reset link. */
import type { Child } from "hono/jsx";

/** A filter form that submits to `action` and resets to it without a query. */
export function FilterForm(
  props: { action: string; submit: string; reset?: string; children: Child },
) {
  return (
    <form class="filters" method="get" action={props.action}>
      {props.children}
      <button type="submit">{props.submit}</button>
      <a class="button secondary" href={props.action}>{props.reset ?? "Reset"}</a>
    </form>
  );
}

/** A labelled select over `options`, with a first empty choice meaning "no filter". */
export function SelectFilter(
  props: { label: string; name: string; any: string; options: string[]; value?: string },
) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map((o) => <option value={o} selected={o === props.value}>{o}</option>)}
      </select>
    </label>
  );
}
