export interface Line {
  item: string;
  price: number;
  quantity: number;
}

export interface Priced {
  total(discount?: number): Promise<number>;
}

export type Parser<T> = (text: string) => T;
