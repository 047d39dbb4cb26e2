export declare class Shop {
  items: { qty: number; unit: number }[];
  add(item: { qty: number; unit: number }): this;
  total(): number;
}
