export class Item {
  constructor(title, year = 2000) {
    this.title = title;
    this.year = year;
  }

  get age() {
    return 2026 - this.year;
  }

  summary() {
    return `${this.title} (${this.year})`;
  }
}

export class Book extends Item {
  #pages = 0;

  constructor(title, author, year) {
    super(title, year);
    this.author = author;
  }

  get pages() {
    return this.#pages;
  }

  set pages(n) {
    if (!(n > 0)) throw new RangeError(`pages must be positive: ${n}`);
    this.#pages = n;
  }

  summary() {
    return `${super.summary()} by ${this.author}`;
  }

  static parse(line) {
    const [title, author, year] = line.split(';');
    return new Book(title, author, Number(year));
  }
}
