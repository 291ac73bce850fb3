/**
 * Product step: name, category and list price of the product an event names.
 */
import type { Product } from "../../shared/events/mod.ts";
import { errorMessage } from "../../shared/errors.ts";
import type { Step } from "./types.ts";

/** Reads products by id. */
export interface ProductLookup {
  get(productId: string): Promise<Omit<Product, "product_id"> | null>;
}

function idOf(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/** `properties.product_id`, else the first item of `properties.items`/`products`. */
export function productIdOf(properties: Record<string, unknown>): string | null {
  const direct = idOf(properties.product_id);
  if (direct !== null) return direct;
  for (const key of ["items", "products"]) {
    const list = properties[key];
    if (!Array.isArray(list) || list.length === 0) continue;
    const first = list[0];
    if (typeof first !== "object" || first === null) continue;
    const item = first as Record<string, unknown>;
    const id = idOf(item.product_id) ?? idOf(item.id) ?? idOf(item.sku);
    if (id !== null) return id;
  }
  return null;
}

/** Adds the named product's catalogue data; an unknown product keeps only its id. */
export function productStep(products: ProductLookup): Step {
  return {
    name: "product",
    async run(event) {
      const productId = productIdOf(event.properties);
      if (productId === null) return { patch: {} };
      const base = { ...event.product, product_id: productId };
      try {
        const row = await products.get(productId);
        return { patch: { product: row === null ? base : { ...base, ...row } } };
      } catch (error) {
        return {
          patch: { product: base },
          error: `Product lookup failed: ${errorMessage(error)}`,
        };
      }
    },
  };
}
