// 长期订餐: the one page component (components/standing-orders.tsx), here for this role's package.
import { StandingOrdersPage } from '../../../components/standing-orders';

export default StandingOrdersPage;
