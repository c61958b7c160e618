import { useEffect, useState } from 'react';
import type { AccountApi } from '../account.ts';
import type { UserNames } from '../user-names.ts';

/**
 * Looks up the names of `userIds` the page does not know yet, and renders again once they are learned
 * (until then `names.nameOf` shows a short id).
 */
export function useKnownNames(userIds: readonly string[], account: AccountApi, names: UserNames): void {
  const [, setNamesLearned] = useState(0);
  const unknown = names.unknown(userIds).join(',');
  useEffect(() => {
    if (!unknown) return;
    let current = true;
    account.findUsersById(unknown.split(',')).then(
      (users) => {
        if (!current) return;
        names.remember(users);
        setNamesLearned((n) => n + 1);
      },
      (err: unknown) => {
        console.warn('[Chat] could not look up user names; showing short ids', err);
      },
    );
    return () => {
      current = false;
    };
  }, [unknown, account, names]);
}
