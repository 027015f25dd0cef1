/**
 * Paging of AWS list and describe calls: ask for the first page, then for the page each answer's
 * `NextToken` names, until an answer has none.
 */
export async function allPages<Page extends { NextToken?: string | undefined }>(
  fetch: (token: string | undefined) => Promise<Page>,
  onPage?: (page: Page) => void,
): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    onPage?.(page);
    token = page.NextToken;
  } while (token);
  return pages;
}

/** The request member that asks for a page after the first: `{ NextToken }`, or nothing. */
export function nextToken(token: string | undefined): { NextToken?: string } {
  return token ? { NextToken: token } : {};
}
