/** GadgetStore's product catalogue: 50 gadgets with categories, brands and prices (USD). */

/** One product of the shop. */
export interface Product {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  brand: string;
  /** Unit price in `currency`. */
  price: number;
  currency: string;
  /** Relative popularity: how often it is shown, clicked and bought. */
  popularity: number;
}

type Row = [name: string, category: string, brand: string, price: number, popularity: number];

const ROWS: Row[] = [
  ["Pixel 9 Pro 128GB", "smartphones", "Google", 999, 8],
  ["iPhone 16 128GB", "smartphones", "Apple", 829, 10],
  ["iPhone 16 Pro Max 256GB", "smartphones", "Apple", 1199, 7],
  ["Galaxy S25 256GB", "smartphones", "Samsung", 859.99, 8],
  ["Galaxy A55 128GB", "smartphones", "Samsung", 449.99, 6],
  ["Nothing Phone (2a)", "smartphones", "Nothing", 349, 3],
  ["Xiaomi 14T 256GB", "smartphones", "Xiaomi", 649.9, 4],
  ["MacBook Air 13 M3", "laptops", "Apple", 1099, 7],
  ["MacBook Pro 14 M4", "laptops", "Apple", 1599, 5],
  ["ThinkPad X1 Carbon Gen 12", "laptops", "Lenovo", 1849, 3],
  ["XPS 13 9345", "laptops", "Dell", 1299.99, 3],
  ["ROG Zephyrus G14", "laptops", "ASUS", 1599.99, 3],
  ["Chromebook Plus 14", "laptops", "Acer", 399.99, 2],
  ["iPad Air 11 M2", "tablets", "Apple", 599, 6],
  ["iPad 10th gen 64GB", "tablets", "Apple", 349, 6],
  ["Galaxy Tab S9 FE", "tablets", "Samsung", 449.99, 3],
  ["Kindle Paperwhite 16GB", "e-readers", "Amazon", 159.99, 5],
  ["Kobo Clara BW", "e-readers", "Kobo", 129.99, 2],
  ["AirPods Pro 2", "audio", "Apple", 249, 9],
  ["AirPods 4", "audio", "Apple", 129, 7],
  ["WH-1000XM5", "audio", "Sony", 399.99, 6],
  ["QuietComfort Ultra Headphones", "audio", "Bose", 429, 4],
  ["Galaxy Buds3 Pro", "audio", "Samsung", 249.99, 4],
  ["Flip 6 Bluetooth Speaker", "audio", "JBL", 129.95, 5],
  ["Sonos Era 100", "audio", "Sonos", 249, 3],
  ["Apple Watch Series 10", "wearables", "Apple", 399, 6],
  ["Galaxy Watch7", "wearables", "Samsung", 299.99, 4],
  ["Forerunner 265", "wearables", "Garmin", 449.99, 3],
  ["Fitbit Charge 6", "wearables", "Google", 159.95, 4],
  ["Oura Ring Gen3", "wearables", "Oura", 299, 2],
  ["PlayStation 5 Slim", "gaming", "Sony", 499.99, 7],
  ["Xbox Series X", "gaming", "Microsoft", 499.99, 5],
  ["Nintendo Switch OLED", "gaming", "Nintendo", 349.99, 7],
  ["Steam Deck OLED 512GB", "gaming", "Valve", 549, 4],
  ["DualSense Wireless Controller", "gaming", "Sony", 69.99, 6],
  ["Meta Quest 3 128GB", "gaming", "Meta", 499.99, 4],
  ["Echo Dot 5th gen", "smart-home", "Amazon", 49.99, 6],
  ["Nest Thermostat", "smart-home", "Google", 129.99, 3],
  ["Ring Video Doorbell 4", "smart-home", "Ring", 219.99, 3],
  ["Philips Hue Starter Kit", "smart-home", "Philips", 179.99, 3],
  ["Roborock Q7 Max", "smart-home", "Roborock", 349.99, 2],
  ["GoPro HERO13 Black", "cameras", "GoPro", 399.99, 3],
  ["DJI Mini 4 Pro", "cameras", "DJI", 759, 3],
  ["Sony Alpha 7 IV Body", "cameras", "Sony", 2499.99, 1],
  ["Anker 737 Power Bank", "accessories", "Anker", 109.99, 5],
  ["MagSafe Charger 1m", "accessories", "Apple", 39, 6],
  ["USB-C to Lightning Cable 1m", "accessories", "Apple", 19, 7],
  ["Samsung T7 Shield 2TB SSD", "accessories", "Samsung", 169.99, 4],
  ["MX Master 3S Mouse", "accessories", "Logitech", 99.99, 5],
  ["Keychron K2 Keyboard", "accessories", "Keychron", 89, 3],
];

/** Lowercase, dash-separated form of a name, used in URLs. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** The catalogue, in a fixed order (ids are stable across runs). */
export const CATALOGUE: readonly Product[] = ROWS.map(([name, category, brand, price, pop], i) => ({
  product_id: `prod_${String(i + 1).padStart(3, "0")}`,
  sku: `GS-${category.slice(0, 3).toUpperCase()}-${String(1000 + i)}`,
  name,
  category,
  brand,
  price,
  currency: "USD",
  popularity: pop,
}));

/** The distinct categories, in catalogue order. */
export const CATEGORIES: readonly string[] = [...new Set(CATALOGUE.map((p) => p.category))];

/** Search phrases users type, with the category they lead to. */
export const SEARCH_TERMS: readonly (readonly [string, string])[] = [
  ["iphone", "smartphones"],
  ["samsung galaxy", "smartphones"],
  ["cheap phone", "smartphones"],
  ["macbook", "laptops"],
  ["gaming laptop", "laptops"],
  ["ipad", "tablets"],
  ["kindle", "e-readers"],
  ["noise cancelling headphones", "audio"],
  ["airpods", "audio"],
  ["bluetooth speaker", "audio"],
  ["smartwatch", "wearables"],
  ["fitness tracker", "wearables"],
  ["ps5", "gaming"],
  ["nintendo switch", "gaming"],
  ["vr headset", "gaming"],
  ["smart speaker", "smart-home"],
  ["robot vacuum", "smart-home"],
  ["drone", "cameras"],
  ["action camera", "cameras"],
  ["power bank", "accessories"],
  ["usb c cable", "accessories"],
  ["wireless mouse", "accessories"],
];
